// Two profiles, each the whole service with an interop account, against a real Prosody: the
// account stays off until interoperability is on, a first message is a request, accepting sends
// the read marker, both sides compute the same safety number, and the Signal state in SQLite is
// sealed. Turning interoperability off again disconnects and keeps the chat.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody';
import type { CoreEvent, Method, Params, Results } from '../api/contract';
import { SwitchboardService } from './service';

let prosody: ProsodyServer;
const dirs: string[] = [];

function newService(): { service: SwitchboardService; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-interop-live-'));
  dirs.push(dir);
  return { service: new SwitchboardService({ dataDir: dir, trustedCa: prosody.caPem, tuning: { reconnect: { baseMs: 100, maxMs: 500 } } }), dir };
}

async function call<M extends Method>(service: SwitchboardService, method: M, params: Params<M>): Promise<Results[M]> {
  const result = await service.call(method, params);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value as Results[M];
}

function waitFor(service: SwitchboardService, what: string, match: (e: CoreEvent) => boolean, ms = 20_000): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = service.onEvent((e) => {
      if (match(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

async function interopAccount(service: SwitchboardService, user: string): Promise<string> {
  const account = await call(service, 'addAccount', {
    network: 'interop',
    address: `${user}@${prosody.domain}`,
    password: `${user}-pw`,
    host: prosody.host,
    port: prosody.c2sPort,
  });
  return account.id;
}

beforeAll(async () => {
  prosody = await startProsody();
  await prosody.register('ina', 'ina-pw');
  await prosody.register('olaf', 'olaf-pw');
  await prosody.register('pia', 'pia-pw');
  await prosody.register('quin', 'quin-pw');
});

afterAll(async () => {
  await prosody?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the interop channel through the whole service', () => {
  it('stays off until turned on; a first message is a request; accept, safety numbers, sealed state, off again', async () => {
    const ina = newService();
    const olaf = newService();
    const inaAccount = await interopAccount(ina.service, 'ina');
    const offView = (await call(ina.service, 'getSnapshot', {})).accounts[0];
    expect(offView?.state).toMatchObject({ kind: 'offline', reason: 'stopped', detail: expect.stringMatching(/Interoperability is off/) });
    expect(offView?.ownAddress).toBe(`ina@${prosody.domain}`);

    const isOnline = (e: CoreEvent) => e.type === 'account' && e.account.state.kind === 'online';
    let online = waitFor(ina.service, 'ina online', isOnline);
    await call(ina.service, 'setInteropEnabled', { enabled: true });
    await online;
    online = waitFor(olaf.service, 'olaf online', isOnline);
    await call(olaf.service, 'setInteropEnabled', { enabled: true });
    const olafAccount = await interopAccount(olaf.service, 'olaf');
    await online;

    const inaChat = await call(ina.service, 'startChat', { accountId: inaAccount, address: `olaf@${prosody.domain}` });
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
    const pia = newService();
    const quin = newService();
    const isOnline = (e: CoreEvent) => e.type === 'account' && e.account.state.kind === 'online';
    for (const s of [pia.service, quin.service]) await call(s, 'setInteropEnabled', { enabled: true });
    let online = waitFor(pia.service, 'pia online', isOnline);
    const piaAccount = await interopAccount(pia.service, 'pia');
    await online;
    online = waitFor(quin.service, 'quin online', isOnline);
    const quinAccount = await interopAccount(quin.service, 'quin');
    await online;

    const piaChat = await call(pia.service, 'startChat', { accountId: piaAccount, address: `quin@${prosody.domain}` });
    const quinChat = await call(quin.service, 'startChat', { accountId: quinAccount, address: `pia@${prosody.domain}` });
    const first = waitFor(pia.service, 'the first message at pia', (e) => e.type === 'message' && e.message.body === 'before');
    await call(quin.service, 'send', { chatId: quinChat.id, body: 'before' });
    await first;
    expect((await call(pia.service, 'markVerified', { chatId: piaChat.id })).verified).toBe(true);

    // Quin reinstalls: a fresh profile, so a new identity key, writes again.
    await quin.service.stop();
    const again = newService();
    await call(again.service, 'setInteropEnabled', { enabled: true });
    online = waitFor(again.service, 'quin online again', isOnline);
    const quinAgain = await interopAccount(again.service, 'quin');
    await online;
    const notice = waitFor(pia.service, 'the identity notice', (e) => e.type === 'message' && e.message.kind === 'notice');
    const after = waitFor(pia.service, 'the message from the new install', (e) => e.type === 'message' && e.message.body === 'after');
    const chatAgain = await call(again.service, 'startChat', { accountId: quinAgain, address: `pia@${prosody.domain}` });
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
