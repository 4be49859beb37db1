// The renderer's side of interop: which chats show where, the safety number's groups, settings.
import { describe, expect, it } from 'vitest';
import { digitGroups } from '../format';
import { reduceEvent } from './applyEvent';
import { groupChats } from './chatLists';
import { initialState } from './store';
import { chatView, messageView } from './testData';
import { buildRows } from './timelineRows';

describe('interop in the renderer', () => {
  it('interop chats go to the Interop inbox, requests included; blocked chats nowhere', () => {
    const groups = groupChats({
      1: chatView(1, { inbox: 'interop', requestState: 'pending' }),
      2: chatView(2, { inbox: 'interop', requestState: 'blocked' }),
      3: chatView(3),
    });
    expect(groups.interop.map((c) => c.id)).toEqual([1]);
    expect(groups.native.map((c) => c.id)).toEqual([3]);
    expect(groups.archived).toEqual([]);
  });

  it('a safety number reads as 12 groups of 5 digits', () => {
    const digits = '0123456789'.repeat(6);
    const groups = digitGroups(digits);
    expect(groups).toHaveLength(12);
    expect(groups.every((g) => /^\d{5}$/.test(g))).toBe(true);
    expect(groups.join('')).toBe(digits);
  });

  it('a settings event replaces the settings', () => {
    const settings = { interopEnabled: true, autoDownloadMaxBytes: 16 * 1024 * 1024 };
    expect(reduceEvent(initialState(), { type: 'settings', settings }, 0)).toEqual({ settings });
  });

  it('a notice breaks a run of messages from one sender', () => {
    const rows = buildRows([
      messageView(1, { sentAt: 1_000 }),
      messageView(2, { sentAt: 2_000, kind: 'notice', body: "Bob's safety number changed" }),
      messageView(3, { sentAt: 3_000 }),
    ]);
    const continued = rows.flatMap((r) => (r.kind === 'message' ? [r.continued] : []));
    expect(continued).toEqual([false, false, false]);
  });
});
