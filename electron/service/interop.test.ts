// The service's side of the interop channel that needs no interop adapter: the setting, sealed
// adapter state, message requests, identity notices and undecryptable placeholders. Adapter events
// are handed in through injectAdapterEvent; the store is a real SQLite file.

import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatInfo, IncomingMessage } from '../../protocols/adapter';
import type { CoreEvent } from '../api/contract';
import { openStore } from '../store/store';
import { adapterStateFor } from './adapterState';
import { identityChangedText, UNDECRYPTABLE_TEXT } from './ingest';
import { keyFileSecretBox } from './secretBox';
import { SwitchboardService } from './service';
import { call, useProfileDirs } from './testing/serviceHarness';

const profileDir = useProfileDirs('sb-interop-');

const ACCOUNT = 'interop-1';
const SECURITY = { e2ee: true, protocol: 'Signal Protocol', endsAt: 'recipient-device', label: 'End-to-end encrypted · Signal Protocol' } as const;

function eveChat(address = 'eve@gatekeeper.example', title = 'Eve'): ChatInfo {
  return { address, title, kind: 'direct', inbox: 'interop', security: SECURITY };
}

let seq = 0;
function fromEve(body: string, chat = 'eve@gatekeeper.example', overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  seq += 1;
  return { chat, networkId: `m${seq}`, sender: chat, fromMe: false, body, sentAt: 1_000 + seq, historical: false, ...overrides };
}

/** A service with one interop account written straight to the store (no adapter is needed). */
function serviceWithInteropAccount(dir = profileDir()) {
  const service = new SwitchboardService({ dataDir: dir });
  if (!service.store.getAccount(ACCOUNT)) {
    service.store.addAccount({ id: ACCOUNT, network: 'interop', address: 'me@gatekeeper.example', settingsJson: '{"password":"kf1:x"}', createdAt: 1 });
  }
  const events: CoreEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { service, events, dir };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('interoperability setting', () => {
  it('is off by default, persists across restarts, and keeps interop accounts disconnected while off', async () => {
    const { service, events, dir } = serviceWithInteropAccount();
    await service.start();
    expect(await call(service, 'getSettings', {})).toEqual({ interopEnabled: false, autoDownloadMaxBytes: 16 * 1024 * 1024 });
    const snapshot = await call(service, 'getSnapshot', {});
    expect(snapshot.accounts[0]).toMatchObject({
      network: 'interop',
      networkName: 'Interop',
      ownAddress: 'me@gatekeeper.example',
      state: { kind: 'offline', reason: 'stopped', detail: expect.stringMatching(/Interoperability is off/) },
    });
    expect(await service.call('reconnectAccount', { accountId: ACCOUNT })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    expect(await call(service, 'setInteropEnabled', { enabled: true })).toEqual({ interopEnabled: true, autoDownloadMaxBytes: 16 * 1024 * 1024 });
    expect(events).toContainEqual({ type: 'settings', settings: { interopEnabled: true, autoDownloadMaxBytes: 16 * 1024 * 1024 } });
    await service.stop();

    const again = new SwitchboardService({ dataDir: dir });
    expect(await call(again, 'getSettings', {})).toEqual({ interopEnabled: true, autoDownloadMaxBytes: 16 * 1024 * 1024 });
    expect(await call(again, 'setInteropEnabled', { enabled: false })).toEqual({ interopEnabled: false, autoDownloadMaxBytes: 16 * 1024 * 1024 });
    await again.stop();
  });

  it('off again keeps every interop chat and message visible', async () => {
    const { service } = serviceWithInteropAccount();
    await call(service, 'setInteropEnabled', { enabled: true });
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat() });
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('hello from the other side') });
    service.flushIncoming();
    await call(service, 'setInteropEnabled', { enabled: false });
    const chats = await call(service, 'listChats', { limit: 10 });
    expect(chats).toHaveLength(1);
    const opened = await call(service, 'openChat', { chatId: chats[0]!.id });
    expect(opened.page.messages.map((m) => m.body)).toEqual(['hello from the other side']);
    await service.stop();
  });

  it('rejects half a proxy at the boundary', async () => {
    const service = new SwitchboardService({ dataDir: profileDir() });
    const result = await service.call('addAccount', { network: 'xmpp', address: 'me@example.org', password: 'pw', proxyHost: '127.0.0.1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/proxy/) } });
    await service.stop();
  });
});

describe('interop adapter state', () => {
  it('is sealed before it reaches SQLite and opened on read; other networks stay plain', () => {
    const dir = profileDir();
    const path = join(dir, 'switchboard.sqlite');
    const secrets = keyFileSecretBox(dir);
    const store = openStore(path);
    store.addAccount({ id: 'i', network: 'interop', address: 'me@g.example', settingsJson: '{}', createdAt: 1 });
    store.addAccount({ id: 'x', network: 'xmpp', address: 'me@x.example', settingsJson: '{}', createdAt: 1 });
    const PRIVATE = 'identity-private-key-0123456789abcdef';
    const SESSION = 'session-record-fedcba9876543210';
    const interop = adapterStateFor(store, secrets, 'i', 'interop');
    interop.set('identity', PRIVATE);
    interop.set('session:eve@g.example.1', SESSION);
    interop.set('session:eve@g.example.1', `${SESSION}-2`);
    adapterStateFor(store, secrets, 'x', 'xmpp').set('mam-cursor', 'cursor-plain');
    expect(interop.get('identity')).toBe(PRIVATE);
    store.close();

    // What is on disk: the SQLite file (and any WAL left over) never holds the plaintext.
    for (const file of readdirSync(dir).filter((f) => f.startsWith('switchboard.sqlite'))) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      expect(bytes, file).not.toContain(PRIVATE);
      expect(bytes, file).not.toContain(SESSION);
    }
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT account_id, key, value FROM adapter_state ORDER BY account_id, key').all() as Array<{ account_id: string; key: string; value: string }>;
    db.close();
    expect(rows.filter((r) => r.account_id === 'i').every((r) => r.value.startsWith('kf1:'))).toBe(true);
    expect(rows.find((r) => r.account_id === 'x')?.value).toBe('cursor-plain');

    const reopened = openStore(path);
    const state = adapterStateFor(reopened, keyFileSecretBox(dir), 'i', 'interop');
    expect(state.get('identity')).toBe(PRIVATE);
    expect(state.get('session:eve@g.example.1')).toBe(`${SESSION}-2`);
    expect(state.get('missing')).toBeUndefined();
    state.delete('identity');
    expect(state.get('identity')).toBeUndefined();
    reopened.close();
  });
});

describe('message requests', () => {
  it('a first message from someone new is a pending request until accepted; replies wait for it', async () => {
    const { service, events } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat() });
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('hi, it is Eve') });
    service.flushIncoming();
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect(chat).toMatchObject({ requestState: 'pending', inbox: 'interop', unreadCount: 1, verified: false });
    expect(events.some((e) => e.type === 'notification')).toBe(true);

    const opened = await call(service, 'openChat', { chatId: chat!.id });
    expect(opened.chat.requestState).toBe('pending');
    expect(await service.call('send', { chatId: chat!.id, body: 'hello?' })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/Accept Eve/) } });

    const accepted = await call(service, 'acceptChat', { chatId: chat!.id });
    expect(accepted).toMatchObject({ requestState: 'accepted', unreadCount: 0 });
    expect(events).toContainEqual({ type: 'chat', chat: accepted });
    expect((await call(service, 'send', { chatId: chat!.id, body: 'hello Eve' })).status).toBe('queued');
    await service.stop();
  });

  it('a message without a chat event still makes an interop request in the Interop inbox', async () => {
    const { service } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('no chat event first', 'zed@gatekeeper.example') });
    service.flushIncoming();
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect(chat).toMatchObject({ address: 'zed@gatekeeper.example', requestState: 'pending', inbox: 'interop', security: { e2ee: true } });
    await service.stop();
  });

  it('blocking drops everything that arrives later: not stored, no notification', async () => {
    const { service, events } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat('spam@gatekeeper.example', 'Spam') });
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('buy now', 'spam@gatekeeper.example') });
    service.flushIncoming();
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect((await call(service, 'blockChat', { chatId: chat!.id })).requestState).toBe('blocked');

    events.length = 0;
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('buy more', 'spam@gatekeeper.example') });
    service.injectAdapterEvent(ACCOUNT, { type: 'undecryptable', chat: 'spam@gatekeeper.example', networkId: 'u1', sender: 'spam@gatekeeper.example', sentAt: 5, reason: 'x' });
    service.injectAdapterEvent(ACCOUNT, { type: 'identity', chat: 'spam@gatekeeper.example', change: 'changed', at: 6 });
    service.injectAdapterEvent(ACCOUNT, { type: 'typing', chat: 'spam@gatekeeper.example', from: 'spam@gatekeeper.example', state: 'composing' });
    service.flushIncoming();
    await tick();
    expect(events).toEqual([]);
    const page = await call(service, 'loadOlder', { chatId: chat!.id, before: { sentAt: Number.MAX_SAFE_INTEGER, id: 0 } });
    expect(page.messages.map((m) => m.body)).toEqual(['buy now']);
    await service.stop();
  });

  it('chats on other networks are never requests', async () => {
    const service = new SwitchboardService({ dataDir: profileDir() });
    service.store.addAccount({ id: 'x1', network: 'xmpp', address: 'me@example.org', settingsJson: '{"password":"kf1:x"}', createdAt: 1 });
    service.injectAdapterEvent('x1', { type: 'message', message: fromEve('plain xmpp', 'bob@example.org') });
    service.flushIncoming();
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect(chat).toMatchObject({ requestState: 'accepted', inbox: 'native' });
    expect(await service.call('getSafetyNumber', { chatId: chat!.id })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    await service.stop();
  });
});

describe('identity changes and undecryptable messages', () => {
  it('a changed safety number puts a notice in the chat and unverifies it until acknowledged', async () => {
    const { service, events } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat() });
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('hello') });
    service.flushIncoming();
    const [chat] = await call(service, 'listChats', { limit: 10 });
    await call(service, 'acceptChat', { chatId: chat!.id });
    expect((await call(service, 'markVerified', { chatId: chat!.id })).verified).toBe(true);

    service.injectAdapterEvent(ACCOUNT, { type: 'identity', chat: 'eve@gatekeeper.example', change: 'first-seen', at: 10 });
    expect(events.filter((e) => e.type === 'message' && e.message.kind === 'notice')).toEqual([]);

    service.injectAdapterEvent(ACCOUNT, { type: 'identity', chat: 'eve@gatekeeper.example', change: 'changed', at: 5_000 });
    const notice = events.find((e) => e.type === 'message' && e.message.kind === 'notice');
    expect(notice).toMatchObject({ message: { body: identityChangedText('Eve'), kind: 'notice' } });
    const after = (await call(service, 'listChats', { limit: 10 }))[0];
    expect(after).toMatchObject({ verified: false, identityChanged: true, lastPreview: 'hello' });

    expect(await call(service, 'acknowledgeIdentity', { chatId: chat!.id })).toMatchObject({ identityChanged: false, verified: false });
    expect(await call(service, 'markVerified', { chatId: chat!.id })).toMatchObject({ identityChanged: false, verified: true });
    expect(await call(service, 'markVerified', { chatId: chat!.id, verified: false })).toMatchObject({ verified: false });
    await service.stop();
  });

  it('an undecryptable message shows as a placeholder, once, without a preview or unread count', async () => {
    const { service } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat() });
    service.injectAdapterEvent(ACCOUNT, { type: 'message', message: fromEve('readable') });
    service.flushIncoming();
    const event = { type: 'undecryptable' as const, chat: 'eve@gatekeeper.example', networkId: 'broken-1', sender: 'eve@gatekeeper.example', sentAt: 9_000, reason: 'no session' };
    service.injectAdapterEvent(ACCOUNT, event);
    service.injectAdapterEvent(ACCOUNT, event);
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect(chat).toMatchObject({ lastPreview: 'readable', unreadCount: 1 });
    const opened = await call(service, 'openChat', { chatId: chat!.id });
    expect(opened.page.messages.map((m) => [m.kind, m.body])).toEqual([
      ['text', 'readable'],
      ['undecryptable', UNDECRYPTABLE_TEXT],
    ]);
    expect(await call(service, 'search', { query: 'decrypted' })).toEqual([]);
    await service.stop();
  });

  it('asks for a safety number only where the adapter can give one', async () => {
    const { service } = serviceWithInteropAccount();
    service.injectAdapterEvent(ACCOUNT, { type: 'chat', chat: eveChat() });
    const [chat] = await call(service, 'listChats', { limit: 10 });
    expect(await service.call('getSafetyNumber', { chatId: chat!.id })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/Interoperability is off/) } });
    await service.stop();
  });
});
