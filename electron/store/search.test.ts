import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './search';
import { tokenize } from './search-terms';
import { ACCOUNT, chatInfo, incoming, useStoreWithChat } from './test-helpers';

const fixture = useStoreWithChat('bob@x');

const add = (body: string, sentAt = 1) => fixture.store.insertIncoming(ACCOUNT.id, fixture.chat.id, incoming('bob@x', { body, sentAt }))!;

describe('search', () => {
  it('returns the newest hits first, limited, with the chat title', () => {
    const ids = Array.from({ length: 30 }, (_, i) => add(`lunch at ${i}`, 1_000 - i).id);
    add('nothing to see');
    const hits = fixture.store.search('lunch', 10);
    // Newest = latest arrival (id), whatever the timestamps say.
    expect(hits.map((h) => h.message.id)).toEqual(ids.slice(-10).reverse());
    expect(hits[0]).toMatchObject({ chatId: fixture.chat.id, chatTitle: 'Bob' });
  });

  it('matches every word, the last one as a prefix, ignoring case and accents', () => {
    add('Café au lait tomorrow');
    add('tomorrow maybe');
    expect(fixture.store.search('cafe tomo', 10).map((h) => h.message.body)).toEqual(['Café au lait tomorrow']);
    expect(fixture.store.search('TOMORROW', 10)).toHaveLength(2);
    expect(fixture.store.search('tomorrow cafe', 10)).toHaveLength(1);
  });

  const hostile = [
    '"', '""', '*', '**', 'NEAR(', 'NEAR(a b', 'AND OR', 'AND', 'OR', 'NOT', ')', '(', '^', ':', '-',
    'body:secret', 'messages_fts:x', '{body}: x', 'a AND', 'OR b', 'x NOT', '"unterminated', 'a*b*',
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', "'; DROP TABLE messages; --",
    '%_\\', '\u0000', 'a\u0000b', '🙂', '   ', '', '\n\t', 'a"b', '+', 'NEAR(a, b, 5)', 'col : "x" *',
  ];
  it.each(hostile)('never throws on %j', (q) => {
    add('a secret body with script and alert and x and b');
    expect(() => fixture.store.search(q, 10)).not.toThrow();
  });

  it('returns [] for empty or punctuation-only queries', () => {
    add('anything');
    for (const q of ['', '   ', '"', '*', ')', '(', '-', ':', '^', '""', '!?.']) {
      expect(fixture.store.search(q, 10), JSON.stringify(q)).toEqual([]);
      expect(toFtsQuery(q)).toBeNull();
    }
  });

  it('expands words the way FTS5 tokenizes them: Latin accents folded, Greek kept, emoji kept', () => {
    add('Ωμέγα and crème brûlée 🙂🙂 party');
    const found = (q: string) => fixture.store.search(q, 10).length;
    expect(found('ωμέ')).toBe(1);
    expect(found('creme bru')).toBe(1);
    expect(found('CRÈME brû')).toBe(1);
    expect(found('🙂🙂')).toBe(1);
    expect(tokenize('Ωμέγα crème-brûlée x€y 🙂')).toEqual(['ωμέγα', 'creme', 'brulee', 'x', 'y', '🙂']);
  });

  it('treats operators and column filters as plain words', () => {
    add('fish AND chips');
    add('fish chips');
    expect(fixture.store.search('AND', 10).map((h) => h.message.body)).toEqual(['fish AND chips']);
    expect(fixture.store.search('body:fish', 10)).toEqual([]); // the phrase "body fish"
    expect(fixture.store.search('<script>', 10)).toEqual([]);
  });

  it('escapes quotes inside a word and expands only the last word', () => {
    expect(toFtsQuery('say "hi" NEAR(')).toBe('"say" AND """hi""" AND "NEAR("');
    expect(toFtsQuery('see to-mo', (p) => (p === 'mo' ? ['mo', 'more', 'mon"day'] : []))).toBe(
      '"see" AND ("to-mo" OR "to mo" OR "to more" OR "to mon""day")',
    );
  });

  it('matches the word being typed as a prefix, by expanding it to stored terms', () => {
    add('tomorrow works');
    add('tomography scan');
    add('tom said hi');
    const bodies = (q: string) => fixture.store.search(q, 10).map((h) => h.message.body).sort();
    expect(bodies('tomo')).toEqual(['tomography scan', 'tomorrow works']);
    expect(bodies('tom')).toEqual(['tom said hi', 'tomography scan', 'tomorrow works']);
    expect(bodies('tomorrow wo')).toEqual(['tomorrow works']);
    // Not a prefix anywhere but the last word.
    expect(bodies('tomo works')).toEqual([]);
    // One letter is not expanded (it would match half the vocabulary), but matches as a word.
    expect(bodies('t')).toEqual([]);
    // Terms come from queued and edited messages too, and survive reopening.
    fixture.store.queueOutgoing({ chatId: fixture.chat.id, clientId: 'q', body: 'zebrafish', now: 1 });
    const m = add('plain');
    fixture.store.applyEdit(ACCOUNT.id, m.networkId!, 'xylophone', 5);
    fixture.reopen();
    expect(bodies('zebra')).toEqual(['zebrafish']);
    expect(bodies('xylo')).toEqual(['xylophone']);
  });

  it('never matches deleted messages', () => {
    fixture.store.insertIncoming(ACCOUNT.id, fixture.chat.id, incoming('bob@x', { networkId: 'gone', body: 'vanishing ink' }));
    fixture.store.applyDelete(ACCOUNT.id, 'gone', 2);
    expect(fixture.store.search('vanishing', 10)).toEqual([]);
    expect(fixture.store.search('vanish', 10)).toEqual([]);
  });
});

// Migration 004 took the insert trigger away: each statement that adds a message indexes it.
describe('search after every way a message is added', () => {
  it('finds text from live, batched and own messages, and never notices', () => {
    const { store, chat } = fixture;
    store.insertIncoming(ACCOUNT.id, chat.id, incoming('bob@x', { body: 'walrus one', sentAt: 1 }));
    store.insertIncomingBatch(ACCOUNT.id, [
      { chatId: chat.id, message: incoming('bob@x', { body: 'walrus two', sentAt: 2 }) },
      { chatId: chat.id, message: incoming('bob@x', { body: 'walrus three', sentAt: 3 }) },
    ]);
    store.queueOutgoing({ chatId: chat.id, clientId: 'c-walrus', body: 'walrus four', now: 4 });
    store.insertSystemMessage({ chatId: chat.id, kind: 'notice', body: 'walrus notice', sentAt: 5, sender: 'bob@x' });
    expect(store.search('walrus', 10).map((h) => h.message.body)).toEqual(['walrus four', 'walrus three', 'walrus two', 'walrus one']);
  });

  it('keeps edits and deletes of store-indexed messages in step', () => {
    const { store, chat } = fixture;
    store.insertIncoming(ACCOUNT.id, chat.id, incoming('bob@x', { body: 'narwhal', sentAt: 1, networkId: 'nw1' }));
    store.applyEdit(ACCOUNT.id, 'nw1', 'dolphin', 2);
    expect(store.search('narwhal', 10)).toEqual([]);
    expect(store.search('dolphin', 10)).toHaveLength(1);
    store.applyDelete(ACCOUNT.id, 'nw1', 3);
    expect(store.search('dolphin', 10)).toEqual([]);
  });
});

describe('search and blocked contacts', () => {
  it('leaves a blocked chat out and still fills the page from the others', () => {
    const { store, chat } = fixture;
    const spam = store.upsertChat(ACCOUNT.id, chatInfo('spam@x', 'Spam'), 6_000);
    const mine = Array.from({ length: 5 }, (_, i) =>
      store.insertIncoming(ACCOUNT.id, chat.id, incoming('bob@x', { body: `offer ${i}`, sentAt: i }))!.id,
    );
    // Newer than everything from Bob, and more of them than the page: a single round would come back empty.
    for (let i = 0; i < 12; i++) store.insertIncoming(ACCOUNT.id, spam.id, incoming('spam@x', { body: `offer spam ${i}`, sentAt: 100 + i }));
    expect(store.search('offer', 5)).toHaveLength(5);
    store.setRequestState(spam.id, 'blocked');
    expect(store.search('offer', 4).map((h) => h.message.id)).toEqual(mine.slice(-4).reverse());
    expect(store.search('offer', 10).map((h) => h.chatId)).toEqual(Array(5).fill(chat.id));
  });
});
