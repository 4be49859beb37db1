// Two profiles, each the whole service with an interop account, against a real Prosody: the
// account stays off until interoperability is on, a first message is a request, accepting sends
// the read marker, both sides compute the same safety number, and the Signal state in SQLite is
// sealed. Turning interoperability off again disconnects and keeps the chat.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../api/contract';
import type { SwitchboardService } from './service';
import { call, isOnline, useLiveProsody, waitForEvent } from './testing/serviceHarness';

const live = useLiveProsody({ profilePrefix: 'sb-interop-live-', users: ['ina', 'olaf', 'pia', 'quin'] });

/** A service on a fresh profile, and the profile's directory. */
function newProfile(): { service: SwitchboardService; dir: string } {
  const dir = live.profileDir();
  return { service: live.newService(dir), dir };
}

// Waits here name what they wait for and allow 20 s, as this file always has.
const waitFor = (service: SwitchboardService, what: string, match: (e: CoreEvent) => boolean) => waitForEvent(service, match, { what, ms: 20_000 });

async function interopAccount(service: SwitchboardService, user: string): Promise<string> {
  const account = await call(service, 'addAccount', {
    network: 'interop',
    address: `${user}@${live.prosody.domain}`,
    password: `${user}-pw`,
    host: live.prosody.host,
    port: live.prosody.c2sPort,
  });
  return account.id;
}

describe('the interop channel through the whole service', () => {
  it('stays off until turned on; a first message is a request; accept, safety numbers, sealed state, off again', async () => {
    const ina = newProfile();
    const olaf = newProfile();
    const inaAccount = await interopAccount(ina.service, 'ina');
    const offView = (await call(ina.service, 'getSnapshot', {})).accounts[0];
    expect(offView?.state).toMatchObject({ kind: 'offline', reason: 'stopped', detail: expect.stringMatching(/Interoperability is off/) });
    expect(offView?.ownAddress).toBe(`ina@${live.prosody.domain}`);

    let online = waitFor(ina.service, 'ina online', isOnline);
    await call(ina.service, 'setInteropEnabled', { enabled: true });
    await online;
    online = waitFor(olaf.service, 'olaf online', isOnline);
    await call(olaf.service, 'setInteropEnabled', { enabled: true });
    const olafAccount = await interopAccount(olaf.service, 'olaf');
    await online;

    const inaChat = await call(ina.service, 'startChat', { accountId: inaAccount, address: `olaf@${live.prosody.domain}` });
    expect(inaChat).toMatchObject({ inbox: 'interop', requestState: 'accepted', security: { e2ee: true, label: 'End-to-end encrypted · Signal Protocol' } });

    const arrived = waitFor(olaf.service, 'the first message at olaf', (e) => e.type === 'message' && e.message.body === 'hello from ina');
    await call(ina.service, 'send', { chatId: inaChat.id, body: 'hello from ina' });
    const olafChatId = ((await arrived) as Extract<CoreEvent, { type: 'message' }>).message.chatId;
    const opened = await call(olaf.service, 'openChat', { chatId: olafChatId });
    expect(opened.chat).toMatchObject({ requestState: 'pending', inbox: 'interop', networkName: 'Interop' });

    const [mine, theirs] = await Promise.all([
      call(ina.service, 'getSafetyNumber', { chatId: inaChat.id }),
      call(olaf.service, 'getSafetyNumber', { chatId: olafChatId }),
    ]);
    expect(mine.digits).toMatch(/^\d{60}$/);
    expect(theirs.digits).toBe(mine.digits);
    expect(Buffer.from(mine.scannable, 'base64').length).toBeGreaterThan(0);

    const read = waitFor(ina.service, 'the read marker after accepting', (e) => e.type === 'messageUpdated' && e.message.body === 'hello from ina' && e.message.status === 'read');
    await call(olaf.service, 'acceptChat', { chatId: olafChatId });
    await read;

    // Signal keys and sessions are in SQLite only sealed.
    const db = new Database(join(olaf.dir, 'switchboard.sqlite'), { readonly: true });
    const values = db.prepare('SELECT value FROM adapter_state WHERE account_id = ?').all(olafAccount) as Array<{ value: string }>;
    db.close();
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v.value.startsWith('kf1:'))).toBe(true);

    const offline = waitFor(olaf.service, 'olaf stopped', (e) => e.type === 'account' && e.account.state.kind === 'offline');
    await call(olaf.service, 'setInteropEnabled', { enabled: false });
    await offline;
    expect((await call(olaf.service, 'listChats', { limit: 10 })).map((c) => c.id)).toEqual([olafChatId]);

    await ina.service.stop();
    await olaf.service.stop();
  });

  it('a contact who reinstalled shows a notice in the chat, and the chat is unverified until acknowledged', async () => {
    const pia = newProfile();
    const quin = newProfile();
    for (const s of [pia.service, quin.service]) await call(s, 'setInteropEnabled', { enabled: true });
    let online = waitFor(pia.service, 'pia online', isOnline);
    const piaAccount = await interopAccount(pia.service, 'pia');
    await online;
    online = waitFor(quin.service, 'quin online', isOnline);
    const quinAccount = await interopAccount(quin.service, 'quin');
    await online;

    const piaChat = await call(pia.service, 'startChat', { accountId: piaAccount, address: `quin@${live.prosody.domain}` });
    const quinChat = await call(quin.service, 'startChat', { accountId: quinAccount, address: `pia@${live.prosody.domain}` });
    const first = waitFor(pia.service, 'the first message at pia', (e) => e.type === 'message' && e.message.body === 'before');
    await call(quin.service, 'send', { chatId: quinChat.id, body: 'before' });
    await first;
    expect((await call(pia.service, 'markVerified', { chatId: piaChat.id })).verified).toBe(true);

    // Quin reinstalls: a fresh profile, so a new identity key, writes again.
    await quin.service.stop();
    const again = newProfile();
    await call(again.service, 'setInteropEnabled', { enabled: true });
    online = waitFor(again.service, 'quin online again', isOnline);
    const quinAgain = await interopAccount(again.service, 'quin');
    await online;
    const notice = waitFor(pia.service, 'the identity notice', (e) => e.type === 'message' && e.message.kind === 'notice');
    const after = waitFor(pia.service, 'the message from the new install', (e) => e.type === 'message' && e.message.body === 'after');
    const chatAgain = await call(again.service, 'startChat', { accountId: quinAgain, address: `pia@${live.prosody.domain}` });
    await call(again.service, 'send', { chatId: chatAgain.id, body: 'after' });
    const noticeEvent = (await notice) as Extract<CoreEvent, { type: 'message' }>;
    await after;
    expect(noticeEvent.message).toMatchObject({ chatId: piaChat.id, body: `${piaChat.title}'s safety number changed` });
    const chat = (await call(pia.service, 'listChats', { limit: 10 })).find((c) => c.id === piaChat.id);
    expect(chat).toMatchObject({ verified: false, identityChanged: true });
    expect(await call(pia.service, 'acknowledgeIdentity', { chatId: piaChat.id })).toMatchObject({ identityChanged: false, verified: false });

    await pia.service.stop();
    await again.service.stop();
  });
});
