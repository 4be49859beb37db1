import { describe, expect, it } from 'vitest';
import { ACCOUNT, incoming, useStoreWithChat } from './test-helpers';
import type { MessageRow, TimelineCursor } from './types';

const fixture = useStoreWithChat('bob@x');

function fill(n: number, sentAt: (i: number) => number): MessageRow[] {
  const rows = fixture.store.insertIncomingBatch(
    ACCOUNT.id,
    Array.from({ length: n }, (_, i) => ({ chatId: fixture.chat.id, message: incoming('bob@x', { sentAt: sentAt(i), body: `m${i}` }) })),
  );
  return rows.map((r) => r!);
}

const byTimeline = (a: MessageRow, b: MessageRow) => a.sentAt - b.sentAt || a.id - b.id;

describe('timeline paging', () => {
  it('returns every message exactly once over 1,000 messages with equal timestamps', () => {
    const all = fill(1_000, () => 42);
    const seen: number[] = [];
    let cursor: TimelineCursor | null = null;
    let pages = 0;
    do {
      const page = fixture.store.listMessages(fixture.chat.id, cursor, 37);
      // Each page is oldest first and older than everything seen so far.
      expect([...page.messages].sort(byTimeline)).toEqual(page.messages);
      seen.unshift(...page.messages.map((m) => m.id));
      cursor = page.olderCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toEqual(all.map((m) => m.id));
    expect(new Set(seen).size).toBe(1_000);
    expect(pages).toBe(Math.ceil(1_000 / 37));
  });

  it('orders by sent time, not arrival', () => {
    fill(5, (i) => 100 - i);
    expect(fixture.store.listMessages(fixture.chat.id, null, 10).messages.map((m) => m.body)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('an exact page leaves no older cursor; an empty chat gives an empty page', () => {
    fill(10, (i) => i);
    expect(fixture.store.listMessages(fixture.chat.id, null, 10).olderCursor).toBeNull();
    expect(fixture.store.listMessages(fixture.chat.id, null, 9).olderCursor).not.toBeNull();
    expect(fixture.store.listMessages(fixture.chat.id + 1, null, 10)).toEqual({ messages: [], olderCursor: null });
  });

  it('listMessagesAround shows both sides of a message, with cursors that continue', () => {
    const all = fill(21, (i) => Math.floor(i / 3));
    const target = all[10]!;
    const page = fixture.store.listMessagesAround(target.id, 4);
    expect(page.messages.map((m) => m.id)).toEqual(all.slice(6, 15).map((m) => m.id));
    const older = fixture.store.listMessages(fixture.chat.id, page.olderCursor, 100).messages;
    const newer = fixture.store.listMessagesAfter(fixture.chat.id, page.newerCursor!, 100);
    expect([...older, ...page.messages, ...newer].map((m) => m.id)).toEqual(all.map((m) => m.id));
    const edge = fixture.store.listMessagesAround(all[20]!.id, 4);
    expect(edge.newerCursor).toBeNull();
    expect(fixture.store.listMessagesAround(999_999, 4)).toEqual({ messages: [], olderCursor: null, newerCursor: null });
  });

  it('listMessagesAfter pages forward exactly once each', () => {
    const all = fill(100, () => 7);
    const seen: number[] = [];
    let cursor: TimelineCursor = { sentAt: -1, id: 0 };
    for (;;) {
      const rows = fixture.store.listMessagesAfter(fixture.chat.id, cursor, 30);
      if (rows.length === 0) break;
      seen.push(...rows.map((m) => m.id));
      const last = rows[rows.length - 1]!;
      cursor = { sentAt: last.sentAt, id: last.id };
    }
    expect(seen).toEqual(all.map((m) => m.id));
  });
});
