import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, chatInfo, incoming, tempStore, type TempStore } from './test-helpers';

let t: TempStore;
beforeEach(() => {
  t = tempStore();
  t.store.addAccount(ACCOUNT);
});
afterEach(() => t.cleanup());

describe('chats', () => {
  it('upsert updates title and security but keeps flags, counts and draft', () => {
    const { store } = t;
    const c = store.upsertChat(ACCOUNT.id, chatInfo('bob@x', 'Bob'), 1);
    store.setChatFlags(c.id, { pinned: true, muted: true });
    store.setDraft(c.id, 'half a thought');
    store.insertIncoming(ACCOUNT.id, c.id, incoming('bob@x'));
    const again = store.upsertChat(ACCOUNT.id, { ...chatInfo('bob@x', 'Robert'), inbox: 'interop' }, 2);
    expect(again).toMatchObject({ id: c.id, title: 'Robert', inbox: 'interop', pinned: true, muted: true, draft: 'half a thought', unreadCount: 1, network: 'xmpp' });
    expect(store.findChat(ACCOUNT.id, 'bob@x')?.id).toBe(c.id);
  });

  it('upsert for an unknown account says so', () => {
    expect(() => t.store.upsertChat('ghost', chatInfo('a@x'), 1)).toThrow(/account ghost does not exist/);
  });

  it('list pinned first, then newest activity; archived only when asked', () => {
    const { store } = t;
    const ids: Record<string, number> = {};
    for (const [name, at] of [['old', 100], ['mid', 200], ['new', 300], ['pinned', 50], ['archived', 400]] as const) {
      const c = store.upsertChat(ACCOUNT.id, chatInfo(`${name}@x`), 1);
      ids[name] = c.id;
      store.insertIncoming(ACCOUNT.id, c.id, incoming(`${name}@x`, { sentAt: at }));
    }
    store.setChatFlags(ids.pinned!, { pinned: true });
    store.setChatFlags(ids.archived!, { archived: true });
    const names = (rows: { address: string }[]) => rows.map((r) => r.address.split('@')[0]);
    expect(names(store.listChats({ limit: 10 }))).toEqual(['pinned', 'new', 'mid', 'old']);
    expect(names(store.listChats({ limit: 10, includeArchived: true }))).toEqual(['pinned', 'archived', 'new', 'mid', 'old']);
    expect(names(store.listChats({ limit: 2 }))).toEqual(['pinned', 'new']);
    // A new message moves a chat up.
    store.insertIncoming(ACCOUNT.id, ids.old!, incoming('old@x', { sentAt: 500 }));
    expect(names(store.listChats({ limit: 10 }))).toEqual(['pinned', 'old', 'new', 'mid']);
    // Unarchiving brings it back.
    expect(store.setChatFlags(ids.archived!, { archived: false }).archived).toBe(false);
    expect(names(store.listChats({ limit: 10 }))).toContain('archived');
  });

  it('a chat without messages sorts by its creation time', () => {
    const c = t.store.upsertChat(ACCOUNT.id, chatInfo('empty@x'), 12_345);
    expect(c).toMatchObject({ lastActivityAt: 12_345, lastMessageId: null, lastPreview: null, unreadCount: 0, draft: '' });
  });

  it('drafts survive reopening', () => {
    const c = t.store.upsertChat(ACCOUNT.id, chatInfo('bob@x'), 1);
    t.store.setDraft(c.id, 'see you <b>tomorrow</b> 🙂');
    expect(t.reopen().getChat(c.id)?.draft).toBe('see you <b>tomorrow</b> 🙂');
    t.store.setDraft(c.id, '');
    expect(t.store.getChat(c.id)?.draft).toBe('');
  });

  it('setChatFlags on a missing chat throws', () => {
    expect(() => t.store.setChatFlags(999, { pinned: true })).toThrow(/Chat 999/);
  });
});

describe('accounts', () => {
  it('keep adapter state per account', () => {
    const { store } = t;
    store.setAdapterState(ACCOUNT.id, 'cursor', '1');
    store.setAdapterState(ACCOUNT.id, 'cursor', '2');
    expect(store.getAdapterState(ACCOUNT.id, 'cursor')).toBe('2');
    store.deleteAdapterState(ACCOUNT.id, 'cursor');
    expect(store.getAdapterState(ACCOUNT.id, 'cursor')).toBeUndefined();
    expect(store.listAccounts()).toEqual([ACCOUNT]);
    expect(store.getAccount(ACCOUNT.id)).toEqual(ACCOUNT);
  });

  it('removeAccount removes everything the account owns, and nothing else', () => {
    const { store } = t;
    const other = { ...ACCOUNT, id: 'acc-2', address: 'other@x' };
    store.addAccount(other);
    for (const acc of [ACCOUNT.id, other.id]) {
      store.setAdapterState(acc, 'k', 'v');
      const c = store.upsertChat(acc, chatInfo('bob@x'), 1);
      store.insertIncoming(acc, c.id, incoming('bob@x', { body: `shared word from ${acc} ${acc === ACCOUNT.id ? 'plumtree' : 'peartree'}` }));
      store.queueOutgoing({ chatId: c.id, clientId: `q-${acc}`, body: 'queued', now: 2 });
    }
    store.removeAccount(ACCOUNT.id);
    expect(store.listAccounts().map((a) => a.id)).toEqual(['acc-2']);
    expect(store.getAdapterState(ACCOUNT.id, 'k')).toBeUndefined();
    expect(store.findChat(ACCOUNT.id, 'bob@x')).toBeUndefined();
    expect(store.listQueued(ACCOUNT.id)).toEqual([]);
    expect(store.search('shared', 10).map((h) => h.message.accountId)).toEqual(['acc-2']);
    expect(store.getAdapterState('acc-2', 'k')).toBe('v');

    t.store.close();
    const db = new Database(t.path);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT count(*) AS n FROM messages WHERE account_id = 'acc-1'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM chats WHERE account_id = 'acc-1'")).toBe(0);
    // The FTS index lost the removed account's rows too (no dangling rowids).
    expect(count('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH \'"shared"\'')).toBe(1);
    db.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')").run();
    // Nor does the search vocabulary keep its words.
    expect(count("SELECT count(*) AS n FROM search_terms WHERE term = 'plumtree'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM search_terms WHERE term = 'peartree'")).toBe(1);
    db.close();
    t.store = t.reopen();
  });
});
