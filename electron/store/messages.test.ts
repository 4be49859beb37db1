import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, chatInfo, incoming, storeWithChat, type TempStore } from './test-helpers';
import type { ChatRow, Store } from './types';

let t: TempStore;
let store: Store;
let chat: ChatRow;
const BOB = 'bob@example.org';

beforeEach(() => {
  ({ t, store, chat } = storeWithChat(BOB));
});
afterEach(() => t.cleanup());

const chatNow = () => store.getChat(chat.id)!;

describe('insertIncoming', () => {
  it('drops a duplicate by (account, networkId)', () => {
    const m = incoming(BOB, { networkId: 'dup' });
    expect(store.insertIncoming(ACCOUNT.id, chat.id, m)?.status).toBe('received');
    expect(store.insertIncoming(ACCOUNT.id, chat.id, { ...m, body: 'again' })).toBeUndefined();
    expect(store.listMessages(chat.id, null, 10).messages).toHaveLength(1);
    expect(chatNow().unreadCount).toBe(1);
  });

  it('keeps the same networkId apart across accounts', () => {
    store.addAccount({ ...ACCOUNT, id: 'acc-2', address: 'me2@example.org' });
    const other = store.upsertChat('acc-2', chatInfo(BOB), 1);
    const m = incoming(BOB, { networkId: 'same' });
    expect(store.insertIncoming(ACCOUNT.id, chat.id, m)).toBeDefined();
    expect(store.insertIncoming('acc-2', other.id, m)).toBeDefined();
  });

  it('refuses a chat of another account and stores nothing', () => {
    store.addAccount({ ...ACCOUNT, id: 'acc-2', address: 'me2@example.org' });
    expect(() => store.insertIncoming('acc-2', chat.id, incoming(BOB))).toThrow(/belongs to account/);
    expect(store.listMessages(chat.id, null, 10).messages).toEqual([]);
  });

  it('upgrades an own queued message when it comes back with its clientId', () => {
    const queued = store.queueOutgoing({ chatId: chat.id, clientId: 'c-1', body: 'hi', now: 20_000 });
    const echo = incoming(BOB, { networkId: 'n-own', clientId: 'c-1', fromMe: true, sender: ACCOUNT.address, body: 'hi', sentAt: 20_005 });
    expect(store.insertIncoming(ACCOUNT.id, chat.id, echo)).toBeUndefined();
    expect(store.getMessage(queued.id)).toMatchObject({ status: 'sent', networkId: 'n-own', sentAt: 20_005 });
    expect(store.listQueued(ACCOUNT.id)).toEqual([]);
    expect(store.listMessages(chat.id, null, 10).messages).toHaveLength(1);
    // A second echo is a duplicate like any other.
    expect(store.insertIncoming(ACCOUNT.id, chat.id, echo)).toBeUndefined();
  });

  it('upgrades a failed own message too, but never lowers a delivered one', () => {
    const a = store.queueOutgoing({ chatId: chat.id, clientId: 'c-a', body: 'a', now: 20_000 });
    store.markFailed(a.id, 'offline');
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'n-a', clientId: 'c-a', fromMe: true }));
    expect(store.getMessage(a.id)).toMatchObject({ status: 'sent', error: null, networkId: 'n-a' });

    const b = store.queueOutgoing({ chatId: chat.id, clientId: 'c-b', body: 'b', now: 20_001 });
    store.markSent(b.id, 'n-b', 20_002);
    store.applyReceipt(ACCOUNT.id, ['n-b'], 'delivered');
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'n-b', clientId: 'c-b', fromMe: true }));
    expect(store.getMessage(b.id)?.status).toBe('delivered');
  });

  it('stores an own message from another device as sent and resets unread', () => {
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 30_000 }));
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 30_001 }));
    expect(chatNow().unreadCount).toBe(2);
    const own = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { fromMe: true, sender: ACCOUNT.address, sentAt: 30_002, body: 'on my phone' }));
    expect(own?.status).toBe('sent');
    expect(chatNow()).toMatchObject({ unreadCount: 0, lastMessageId: own?.id, lastSenderMe: true, lastPreview: 'on my phone' });
  });

  it('never moves the last message or unread count backwards for history', () => {
    const live = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 50_000, body: 'newest' }))!;
    store.markChatRead(chat.id);
    for (let i = 0; i < 5; i++) {
      store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 40_000 + i, historical: true, body: `old ${i}` }));
    }
    // An old own message from history says nothing about what the user has read since.
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 40_100, historical: true, fromMe: true }));
    expect(chatNow()).toMatchObject({ lastMessageId: live.id, lastPreview: 'newest', lastActivityAt: 50_000, unreadCount: 0 });

    // History after the read marker (caught up after being offline) is unread.
    const later = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 60_000, historical: true, body: 'missed' }))!;
    expect(chatNow()).toMatchObject({ lastMessageId: later.id, lastPreview: 'missed', unreadCount: 1 });
  });

  it('counts a late live message as unread even with an old timestamp', () => {
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 50_000 }));
    store.markChatRead(chat.id);
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 49_000, body: 'delayed' }));
    expect(chatNow()).toMatchObject({ unreadCount: 1, lastActivityAt: 50_000 });
  });

  it('insertIncomingBatch gives one result per item and dedups within the batch', () => {
    const m = incoming(BOB);
    const results = store.insertIncomingBatch(ACCOUNT.id, [
      { chatId: chat.id, message: m },
      { chatId: chat.id, message: m },
      { chatId: chat.id, message: incoming(BOB) },
    ]);
    expect(results.map((r) => r !== undefined)).toEqual([true, false, true]);
    expect(chatNow().unreadCount).toBe(2);
  });
});

describe('markChatRead', () => {
  it('sets unread to 0 and returns the newest incoming message', () => {
    const a = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 1 }))!;
    store.queueOutgoing({ chatId: chat.id, clientId: 'c', body: 'mine', now: 2 });
    expect(store.markChatRead(chat.id)?.id).toBe(a.id);
    expect(chatNow().unreadCount).toBe(0);
  });
});

describe('outbox', () => {
  it('lists queued messages oldest first, per account, and forgets them once sent', () => {
    const ids = ['c1', 'c2', 'c3'].map(
      (clientId, i) => store.queueOutgoing({ chatId: chat.id, clientId, body: clientId, now: 100 - i }).id,
    );
    expect(store.listQueued(ACCOUNT.id).map((m) => m.id)).toEqual(ids);
    expect(store.listQueued('nobody')).toEqual([]);
    store.markSent(ids[1]!, 'n2', 200);
    expect(store.listQueued(ACCOUNT.id).map((m) => m.clientId)).toEqual(['c1', 'c3']);
    store.markFailed(ids[0]!, 'no route');
    expect(store.listQueued(ACCOUNT.id).map((m) => m.clientId)).toEqual(['c3']);
    expect(store.requeue(ids[0]!).status).toBe('queued');
    expect(store.listQueued(ACCOUNT.id).map((m) => m.clientId)).toEqual(['c1', 'c3']);
  });

  it('queueOutgoing moves the last message; markSent never downgrades', () => {
    const q = store.queueOutgoing({ chatId: chat.id, clientId: 'c', body: 'sending', now: 70_000 });
    expect(chatNow()).toMatchObject({ lastMessageId: q.id, lastSenderMe: true, lastPreview: 'sending' });
    store.markSent(q.id, 'n', 70_010);
    expect(chatNow().lastActivityAt).toBe(70_010);
    store.applyReceipt(ACCOUNT.id, ['n'], 'read');
    expect(store.markSent(q.id, 'n', 70_020)).toMatchObject({ status: 'read', sentAt: 70_010 });
    expect(store.markFailed(q.id, 'late failure').status).toBe('read');
    expect(store.requeue(q.id).status).toBe('read');
  });

  it('markSent keeps the row when the network id is already held by an echo', () => {
    const echo = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'n-x', fromMe: true }))!;
    const q = store.queueOutgoing({ chatId: chat.id, clientId: 'c', body: 'x', now: 1 });
    expect(store.markSent(q.id, 'n-x', 2)).toMatchObject({ status: 'sent', networkId: null });
    expect(store.getMessage(echo.id)?.networkId).toBe('n-x');
  });
});

describe('applyReceipt', () => {
  function sent(n: number): number {
    const q = store.queueOutgoing({ chatId: chat.id, clientId: `c${n}`, body: `m${n}`, now: 1_000 + n });
    return store.markSent(q.id, `n${n}`, 1_000 + n).id;
  }

  it('only raises a status, and delivered after read changes nothing', () => {
    const id = sent(1);
    expect(store.applyReceipt(ACCOUNT.id, ['n1'], 'delivered').map((m) => m.status)).toEqual(['delivered']);
    expect(store.applyReceipt(ACCOUNT.id, ['n1'], 'read').map((m) => m.status)).toEqual(['read']);
    expect(store.applyReceipt(ACCOUNT.id, ['n1'], 'delivered')).toEqual([]);
    expect(store.getMessage(id)?.status).toBe('read');
  });

  it('read raises every older own sent/delivered message in the chat, and nothing newer', () => {
    const [a, b, c, d] = [sent(1), sent(2), sent(3), sent(4)];
    store.applyReceipt(ACCOUNT.id, ['n2'], 'delivered');
    const other = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { sentAt: 1_002 }))!;
    const changed = store.applyReceipt(ACCOUNT.id, ['n3'], 'read');
    expect(changed.map((m) => m.id).sort()).toEqual([a, b, c].sort());
    expect(store.getMessage(d!)?.status).toBe('sent');
    expect(store.getMessage(other.id)?.status).toBe('received');
  });

  it('leaves failed, queued-without-id and received messages alone', () => {
    const q = store.queueOutgoing({ chatId: chat.id, clientId: 'f', body: 'f', now: 1 });
    store.markFailed(q.id, 'x');
    const r = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'theirs', sentAt: 2 }))!;
    sent(9);
    store.applyReceipt(ACCOUNT.id, ['n9', 'theirs'], 'read');
    expect(store.getMessage(q.id)?.status).toBe('failed');
    expect(store.getMessage(r.id)?.status).toBe('received');
  });
});

describe('edits and deletes', () => {
  it('keep the search index and the chat preview in step', () => {
    const m = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'e', body: 'apple pie' }))!;
    expect(store.search('apple', 10)).toHaveLength(1);

    expect(store.applyEdit(ACCOUNT.id, 'e', 'banana bread', 1)?.editedAt).toBe(1);
    expect(store.search('apple', 10)).toEqual([]);
    expect(store.search('banana', 10).map((h) => h.message.id)).toEqual([m.id]);
    expect(chatNow().lastPreview).toBe('banana bread');

    // A stale edit (older than the one applied) is ignored.
    expect(store.applyEdit(ACCOUNT.id, 'e', 'cherry', 0)).toBeUndefined();

    const d = store.applyDelete(ACCOUNT.id, 'e', 2)!;
    expect(d).toMatchObject({ deleted: true, body: '' });
    expect(store.search('banana', 10)).toEqual([]);
    expect(chatNow()).toMatchObject({ lastMessageId: m.id, lastPreview: '', lastDeleted: true, unreadCount: 0 });
    // Deleted stays deleted.
    expect(store.applyEdit(ACCOUNT.id, 'e', 'back again', 3)).toBeUndefined();
    expect(store.search('back', 10)).toEqual([]);
  });

  it('editing an older message leaves the preview alone', () => {
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'old', sentAt: 1, body: 'first' }));
    store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { networkId: 'new', sentAt: 2, body: 'second' }));
    store.applyEdit(ACCOUNT.id, 'old', 'first, edited', 5);
    expect(chatNow().lastPreview).toBe('second');
  });

  it('return undefined for unknown messages', () => {
    expect(store.applyEdit(ACCOUNT.id, 'nope', 'x', 1)).toBeUndefined();
    expect(store.applyDelete(ACCOUNT.id, 'nope', 1)).toBeUndefined();
  });
});
