// Read markers and message requests against a real Prosody: while a chat is a request, opening it
// (or receiving into it while it is open) tells the sender nothing; accepting sends the read marker.
// XMPP chats are never requests on their own, so the test marks bob's chat pending in his store,
// as the interop channel does for a first message from someone new.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody';
import type { CoreEvent, Method, Params, Results } from '../api/contract';
import { SwitchboardService } from './service';

let prosody: ProsodyServer;
const dirs: string[] = [];

function newService(): SwitchboardService {
  const dir = mkdtempSync(join(tmpdir(), 'sb-requests-'));
  dirs.push(dir);
  return new SwitchboardService({ dataDir: dir, trustedCa: prosody.caPem, tuning: { reconnect: { baseMs: 100, maxMs: 500 } } });
}

async function call<M extends Method>(service: SwitchboardService, method: M, params: Params<M>): Promise<Results[M]> {
  const result = await service.call(method, params);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value as Results[M];
}

function waitFor(service: SwitchboardService, match: (e: CoreEvent) => boolean, ms = 15_000): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a core event'));
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

async function addAccount(service: SwitchboardService, user: string): Promise<string> {
  const online = waitFor(service, (e) => e.type === 'account' && e.account.state.kind === 'online');
  const account = await call(service, 'addAccount', { network: 'xmpp', address: `${user}@localhost`, password: `${user}-pw`, host: '127.0.0.1', port: prosody.c2sPort });
  await online;
  return account.id;
}

beforeAll(async () => {
  prosody = await startProsody();
  await prosody.register('rita', 'rita-pw');
  await prosody.register('sam', 'sam-pw');
});

afterAll(async () => {
  await prosody?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('read markers and message requests', () => {
  it('a pending chat sends no read marker when opened or read; accepting sends it', async () => {
    const rita = newService();
    const sam = newService();
    const ritaAccount = await addAccount(rita, 'rita');
    const samAccount = await addAccount(sam, 'sam');
    const ritaChat = await call(rita, 'startChat', { accountId: ritaAccount, address: 'sam@localhost' });
    const samChat = await call(sam, 'startChat', { accountId: samAccount, address: 'rita@localhost' });
    sam.store.setRequestState(samChat.id, 'pending');

    const statuses: string[] = [];
    rita.onEvent((e) => {
      if (e.type === 'messageUpdated' && e.message.body === 'are you there?') statuses.push(e.message.status);
    });
    const arrived = waitFor(sam, (e) => e.type === 'message' && e.message.body === 'are you there?');
    await call(rita, 'send', { chatId: ritaChat.id, body: 'are you there?' });
    await arrived;
    const opened = await call(sam, 'openChat', { chatId: samChat.id });
    expect(opened.chat).toMatchObject({ requestState: 'pending', unreadCount: 0 });
    const second = waitFor(sam, (e) => e.type === 'message' && e.message.body === 'hello?');
    await call(rita, 'send', { chatId: ritaChat.id, body: 'hello?' });
    await second;
    // Long enough for a read marker to travel, if one had been sent.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(statuses).not.toContain('read');
    expect(await sam.call('send', { chatId: samChat.id, body: 'no' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    const read = waitFor(rita, (e) => e.type === 'messageUpdated' && e.message.body === 'are you there?' && e.message.status === 'read');
    expect((await call(sam, 'acceptChat', { chatId: samChat.id })).requestState).toBe('accepted');
    await read;
    await rita.stop();
    await sam.stop();
  });
});
