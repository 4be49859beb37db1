// The core against a real Prosody: two profiles (alice and bob) each run the whole service — store,
// outbox, adapter — and talk through the server. Covers the outbox's promises across crashes.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../api/contract';
import { call, useLiveProsody, waitForEvent } from './testing/serviceHarness';

const live = useLiveProsody({ profilePrefix: 'sb-service-', users: ['alice', 'bob'] });
const { profileDir, newService, addXmppAccount } = live;

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing', 'crashingSender.ts'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('the service with a real XMPP server', () => {
  it('sends, receives, counts unread, and survives a crash before and after sending exactly once', async () => {
    const aliceDir = profileDir();
    const alice = newService(aliceDir);
    const bob = newService(profileDir());
    await bob.start();
    await alice.start();
    await addXmppAccount(bob, 'bob');
    const aliceAccount = await addXmppAccount(alice, 'alice');

    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'Bob@LOCALHOST' });
    expect(chat.address).toBe('bob@localhost');

    const received = waitForEvent(bob, (e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.body === 'first');
    const sent = waitForEvent(alice, (e): e is Extract<CoreEvent, { type: 'messageUpdated' }> => e.type === 'messageUpdated' && e.message.body === 'first' && e.message.status !== 'queued');
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
    const before = await runChild([aliceDir, String(chat.id), 'queued then crashed', 'before-send', live.prosody.caPath]);
    expect(before.signal, before.stderr).toBe('SIGKILL');
    // Crash 2: killed after the server acknowledged the message, before the store knew.
    const after = await runChild([aliceDir, String(chat.id), 'acked then crashed', 'after-send', live.prosody.caPath]);
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

  it('sends the read marker of a chat opened while offline once the account is back', async () => {
    const alice = newService(profileDir());
    const bob = newService(profileDir());
    const aliceAccount = await addXmppAccount(alice, 'alice');
    const bobAccount = await addXmppAccount(bob, 'bob');
    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'bob@localhost' });
    const arrived = waitForEvent(bob, (e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.body === 'read me later');
    await call(alice, 'send', { chatId: chat.id, body: 'read me later' });
    const bobChatId = (await arrived).message.chatId;

    // The server goes away; bob opens the chat while he cannot tell alice.
    const bobOffline = waitForEvent(bob, (e): e is Extract<CoreEvent, { type: 'account' }> => e.type === 'account' && e.account.id === bobAccount && e.account.state.kind !== 'online');
    await live.prosody.stop();
    await bobOffline;
    await call(bob, 'openChat', { chatId: bobChatId });

    const read = waitForEvent(alice, (e): e is Extract<CoreEvent, { type: 'messageUpdated' }> => e.type === 'messageUpdated' && e.message.body === 'read me later' && e.message.status === 'read', { ms: 30_000 });
    await live.prosody.start();
    expect((await read).message.status).toBe('read');
    await alice.stop();
    await bob.stop();
  });

  it('notifies only for chats that are neither open nor muted, and reads the open chat as messages arrive', async () => {
    // Fresh users: an empty archive, so bob's catch-up on connect cannot race the live messages.
    await live.prosody.register('carol', 'carol-pw');
    await live.prosody.register('dave', 'dave-pw');
    const alice = newService(profileDir());
    const bob = newService(profileDir());
    const aliceAccount = await addXmppAccount(alice, 'carol');
    await addXmppAccount(bob, 'dave');
    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'dave@localhost' });
    const notified: string[] = [];
    bob.onEvent((e) => {
      if (e.type === 'notification') notified.push(e.body);
    });
    const arrived = (body: string) =>
      waitForEvent(bob, (e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.body === body);

    let next = arrived('closed chat');
    await call(alice, 'send', { chatId: chat.id, body: 'closed chat' });
    const bobChatId = (await next).message.chatId;

    const read = waitForEvent(alice, (e): e is Extract<CoreEvent, { type: 'messageUpdated' }> => e.type === 'messageUpdated' && e.message.body === 'open chat' && e.message.status === 'read');
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
