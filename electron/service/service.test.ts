// The core against a real Prosody: two profiles (alice and bob) each run the whole service — store,
// outbox, adapter — and talk through the server. Covers the outbox's promises across crashes.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody';
import type { CoreEvent, Method, Params, Results } from '../api/contract';
import { SwitchboardService } from './service';

let prosody: ProsodyServer;
const dirs: string[] = [];

function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-service-'));
  dirs.push(dir);
  return dir;
}

function newService(dir: string): SwitchboardService {
  return new SwitchboardService({ dataDir: dir, trustedCa: prosody.caPem, tuning: { reconnect: { baseMs: 100, maxMs: 500 } } });
}

async function call<M extends Method>(service: SwitchboardService, method: M, params: Params<M>): Promise<Results[M]> {
  const result = await service.call(method, params);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value as Results[M];
}

function waitFor<T extends CoreEvent>(service: SwitchboardService, match: (e: CoreEvent) => e is T, ms = 15_000): Promise<T> {
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

const isOnline = (e: CoreEvent): e is Extract<CoreEvent, { type: 'account' }> => e.type === 'account' && e.account.state.kind === 'online';

async function addAccount(service: SwitchboardService, user: string): Promise<string> {
  const online = waitFor(service, isOnline);
  const account = await call(service, 'addAccount', { network: 'xmpp', address: `${user}@localhost`, password: `${user}-pw`, host: '127.0.0.1', port: prosody.c2sPort });
  await online;
  return account.id;
}

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing', 'crashingSender.ts'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

beforeAll(async () => {
  prosody = await startProsody();
  await prosody.register('alice', 'alice-pw');
  await prosody.register('bob', 'bob-pw');
});

afterAll(async () => {
  await prosody?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the service with a real XMPP server', () => {
  it('sends, receives, counts unread, and survives a crash before and after sending exactly once', async () => {
    const aliceDir = profileDir();
    const alice = newService(aliceDir);
    const bob = newService(profileDir());
    await bob.start();
    await alice.start();
    await addAccount(bob, 'bob');
    const aliceAccount = await addAccount(alice, 'alice');

    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'Bob@LOCALHOST' });
    expect(chat.address).toBe('bob@localhost');

    const received = waitFor(bob, (e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.body === 'first');
    const sent = waitFor(alice, (e): e is Extract<CoreEvent, { type: 'messageUpdated' }> => e.type === 'messageUpdated' && e.message.body === 'first' && e.message.status !== 'queued');
    const queued = await call(alice, 'send', { chatId: chat.id, body: 'first' });
    expect(queued.status).toBe('queued');
    expect((await sent).message.status).not.toBe('failed');
    const got = await received;
    const bobSnapshot = await call(bob, 'getSnapshot', {});
    expect(bobSnapshot.chats.find((c) => c.id === got.message.chatId)?.unreadCount).toBe(1);

    const bodies: string[] = [];
    bob.onEvent((e) => {
      if (e.type === 'message') bodies.push(e.message.body);
    });

    // Crash 1: killed after writing to the outbox, before any send.
    await alice.stop();
    const before = await runChild([aliceDir, String(chat.id), 'queued then crashed', 'before-send', prosody.caPath]);
    expect(before.signal, before.stderr).toBe('SIGKILL');
    // Crash 2: killed after the server acknowledged the message, before the store knew.
    const after = await runChild([aliceDir, String(chat.id), 'acked then crashed', 'after-send', prosody.caPath]);
    expect(after.signal, after.stderr).toBe('SIGKILL');

    const alice2 = newService(aliceDir);
    const bothSent = new Promise<void>((resolve) => {
      const seen = new Set<string>();
      alice2.onEvent((e) => {
        if (e.type === 'messageUpdated' && e.message.status === 'sent') seen.add(e.message.body);
        if (seen.has('queued then crashed') && seen.has('acked then crashed')) resolve();
      });
    });
    await alice2.start();
    await bothSent;
    // Give a duplicate time to arrive, if one were coming.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(bodies.filter((b) => b === 'queued then crashed')).toHaveLength(1);
    expect(bodies.filter((b) => b === 'acked then crashed')).toHaveLength(1);

    const page = await call(bob, 'openChat', { chatId: got.message.chatId });
    expect(page.page.messages.map((m) => m.body)).toEqual(['first', 'queued then crashed', 'acked then crashed']);
    await alice2.stop();
    await bob.stop();
  });

  it('notifies only for chats that are neither open nor muted, and reads the open chat as messages arrive', async () => {
    // Fresh users: an empty archive, so bob's catch-up on connect cannot race the live messages.
    await prosody.register('carol', 'carol-pw');
    await prosody.register('dave', 'dave-pw');
    const alice = newService(profileDir());
    const bob = newService(profileDir());
    const aliceAccount = await addAccount(alice, 'carol');
    await addAccount(bob, 'dave');
    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'dave@localhost' });
    const notified: string[] = [];
    bob.onEvent((e) => {
      if (e.type === 'notification') notified.push(e.body);
    });
    const arrived = (body: string) =>
      waitFor(bob, (e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.body === body);

    let next = arrived('closed chat');
    await call(alice, 'send', { chatId: chat.id, body: 'closed chat' });
    const bobChatId = (await next).message.chatId;

    const read = waitFor(alice, (e): e is Extract<CoreEvent, { type: 'messageUpdated' }> => e.type === 'messageUpdated' && e.message.body === 'open chat' && e.message.status === 'read');
    await call(bob, 'openChat', { chatId: bobChatId });
    next = arrived('open chat');
    await call(alice, 'send', { chatId: chat.id, body: 'open chat' });
    await next;
    await read;
    const open = await call(bob, 'getSnapshot', {});
    expect(open.chats.find((c) => c.id === bobChatId)?.unreadCount, 'a message into the open chat is read at once').toBe(0);

    await call(bob, 'closeChat', {});
    await call(bob, 'setChatFlags', { chatId: bobChatId, muted: true });
    next = arrived('muted chat');
    await call(alice, 'send', { chatId: chat.id, body: 'muted chat' });
    await next;

    expect(notified).toEqual(['closed chat']);
    await alice.stop();
    await bob.stop();
  });

  it('answers bad requests with an error instead of throwing', async () => {
    const service = newService(profileDir());
    expect(await service.call('nope', {})).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.call('send', { chatId: -1, body: '' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.call('openChat', { chatId: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await service.call('addAccount', { network: 'xmpp', address: 'no at sign', password: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-address' } });
    await service.stop();
  });
});
