// The store's parts for the interop channel: settings, requests, trust, and timeline notices.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incoming, storeWithChat, type TempStore } from './test-helpers';
import type { ChatRow, Store } from './types';

let t: TempStore;
let store: Store;
let chat: ChatRow;
beforeEach(() => {
  const s = storeWithChat();
  t = s.t;
  store = s.store;
  chat = s.chat;
});
afterEach(() => t.cleanup());

describe('settings', () => {
  it('are absent until set, and survive reopening the file', () => {
    expect(store.getSetting('interop.enabled')).toBeUndefined();
    store.setSetting('interop.enabled', '1');
    store.setSetting('interop.enabled', '0');
    expect(t.reopen().getSetting('interop.enabled')).toBe('0');
  });
});

describe('chat requests and trust', () => {
  it('a new chat is accepted and unverified; state and trust change and persist', () => {
    expect(chat).toMatchObject({ requestState: 'accepted', verified: false, identityChanged: false });
    expect(store.setRequestState(chat.id, 'pending').requestState).toBe('pending');
    expect(store.setChatTrust(chat.id, { verified: true })).toMatchObject({ verified: true, identityChanged: false });
    expect(store.setChatTrust(chat.id, { identityChanged: true })).toMatchObject({ verified: true, identityChanged: true });
    t.reopen();
    expect(t.store.getChat(chat.id)).toMatchObject({ requestState: 'pending', verified: true, identityChanged: true });
  });

  it('a chat can start as a request; a later upsert does not change that', () => {
    const info = { address: 'eve@x', title: 'Eve', kind: 'direct' as const, inbox: 'interop' as const, security: chat.security };
    expect(store.upsertChat(chat.accountId, info, 1, 'pending').requestState).toBe('pending');
    expect(store.upsertChat(chat.accountId, info, 2).requestState).toBe('pending');
  });

  it('say which chat is missing', () => {
    expect(() => store.setRequestState(999, 'blocked')).toThrow(/Chat 999 does not exist/);
    expect(() => store.setChatTrust(999, { verified: true })).toThrow(/Chat 999 does not exist/);
  });

  it('an upsert from the adapter keeps the request state and trust', () => {
    store.setRequestState(chat.id, 'blocked');
    store.setChatTrust(chat.id, { verified: true });
    const again = store.upsertChat(chat.accountId, { address: chat.address, title: 'Robert', kind: 'direct', inbox: 'interop', security: chat.security }, 9);
    expect(again).toMatchObject({ title: 'Robert', requestState: 'blocked', verified: true });
  });
});

describe('notices and undecryptable placeholders', () => {
  it('sit in the timeline but are not the preview, not unread and not searchable', () => {
    store.insertIncoming(chat.accountId, chat.id, incoming(chat.address, { body: 'first words', sentAt: 100 }));
    const notice = store.insertSystemMessage({ chatId: chat.id, kind: 'notice', body: "Bob's safety number changed", sentAt: 200, sender: chat.address });
    const broken = store.insertSystemMessage({
      chatId: chat.id,
      kind: 'undecryptable',
      body: 'This message could not be decrypted',
      sentAt: 300,
      sender: chat.address,
      dedupeKey: 'undecryptable:n9',
    });
    expect(notice).toMatchObject({ kind: 'notice', fromMe: false });
    expect(broken).toMatchObject({ kind: 'undecryptable', networkId: 'sys:undecryptable:n9' });

    const after = store.getChat(chat.id);
    expect(after).toMatchObject({ lastPreview: 'first words', unreadCount: 1 });
    expect(store.listMessages(chat.id, null, 10).messages.map((m) => m.kind)).toEqual(['text', 'notice', 'undecryptable']);
    expect(store.search('safety', 10)).toEqual([]);
    expect(store.search('decrypted', 10)).toEqual([]);
    expect(store.search('first', 10)).toHaveLength(1);
    // The read marker goes to the newest text message someone wrote, never to a placeholder.
    expect(store.markChatRead(chat.id)?.body).toBe('first words');
  });

  it('with the same dedupe key are stored once', () => {
    const input = { chatId: chat.id, kind: 'undecryptable' as const, body: 'x', sentAt: 1, sender: 'b', dedupeKey: 'k' };
    expect(store.insertSystemMessage(input)).toBeDefined();
    expect(store.insertSystemMessage(input)).toBeUndefined();
    expect(store.listMessages(chat.id, null, 10).messages).toHaveLength(1);
  });

  it('disappear with their account', () => {
    store.insertSystemMessage({ chatId: chat.id, kind: 'notice', body: 'n', sentAt: 1, sender: 'b' });
    store.removeAccount(chat.accountId);
    expect(store.getChat(chat.id)).toBeUndefined();
  });
});
