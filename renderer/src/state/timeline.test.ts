import { describe, expect, it } from 'vitest';
import { groupChats } from './chatLists';
import { chatView, messageView } from './testData';
import { appendNewer, prependOlder, upsertMessage, windowFromPage } from './timeline';
import { buildRows } from './timelineRows';

const ids = (list: Array<{ id: number }>) => list.map((x) => x.id);

describe('timeline window', () => {
  it('keeps messages ordered by time when one arrives late', () => {
    const list = [messageView(1), messageView(3)];
    expect(ids(upsertMessage(list, messageView(2)))).toEqual([1, 2, 3]);
    expect(ids(upsertMessage(list, messageView(4)))).toEqual([1, 3, 4]);
  });

  it('prepends older and appends newer pages without duplicates, moving the cursors', () => {
    const tl = windowFromPage(1, { messages: [messageView(5), messageView(6)], olderCursor: { sentAt: 5000, id: 5 }, newerCursor: { sentAt: 6000, id: 6 } });
    const older = prependOlder(tl, { messages: [messageView(4), messageView(5)], olderCursor: null, newerCursor: null });
    expect(ids(older.messages)).toEqual([4, 5, 6]);
    expect(older.olderCursor).toBeNull();
    const newer = appendNewer(older, { messages: [messageView(7)], olderCursor: null, newerCursor: null });
    expect(ids(newer.messages)).toEqual([4, 5, 6, 7]);
    expect(newer.newerCursor).toBeNull();
  });

  it('gives every replaced window a new generation', () => {
    const page = { messages: [], olderCursor: null, newerCursor: null };
    expect(windowFromPage(1, page).generation).not.toBe(windowFromPage(1, page).generation);
  });
});

describe('timeline rows', () => {
  it('puts one day row before the first message of each day, keyed by the day', () => {
    const day = 86_400_000;
    const base = new Date(2026, 0, 10, 12).getTime();
    const rows = buildRows([
      messageView(1, { sentAt: base }),
      messageView(2, { sentAt: base + 60_000 }),
      messageView(3, { sentAt: base + day }),
    ]);
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'day', 'message']);
    const second = rows[2];
    expect(second?.kind === 'message' && second.continued).toBe(true);
    // Prepending a same-day message keeps the day row's key, so the list does not jump.
    const again = buildRows([messageView(0, { sentAt: base - 60_000 }), messageView(1, { sentAt: base })]);
    expect(again[0]?.key).toBe(rows[0]?.key);
  });
});

describe('chat list groups', () => {
  it('puts interop chats in the inbox, archived chats apart, pinned first then newest first', () => {
    const groups = groupChats({
      1: chatView(1, { lastActivityAt: 100 }),
      2: chatView(2, { lastActivityAt: 300 }),
      3: chatView(3, { lastActivityAt: 50, pinned: true }),
      4: chatView(4, { inbox: 'interop' }),
      5: chatView(5, { archived: true }),
    });
    expect(ids(groups.native)).toEqual([3, 2, 1]);
    expect(ids(groups.interop)).toEqual([4]);
    expect(ids(groups.archived)).toEqual([5]);
  });
});
