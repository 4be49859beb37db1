import { describe, expect, it } from 'vitest';
import { expireTyping, reduceEvent } from './applyEvent';
import { type AppState, initialState, TYPING_TTL_MS } from './store';
import { chatView, messageView } from './testData';
import { windowFromPage } from './timeline';

function stateWith(patch: Partial<AppState>): AppState {
  return { ...initialState(), ...patch };
}

function apply(state: AppState, event: Parameters<typeof reduceEvent>[1], now = 0): AppState {
  return { ...state, ...reduceEvent(state, event, now) };
}

describe('applying core events', () => {
  it('upserts and removes chats, closing the open one when it goes', () => {
    let s = stateWith({});
    s = apply(s, { type: 'chat', chat: chatView(1) });
    s = apply(s, { type: 'chat', chat: chatView(1, { title: 'Renamed' }) });
    expect(s.chats[1]?.title).toBe('Renamed');
    s = { ...s, openChatId: 1, timeline: windowFromPage(1, { messages: [], olderCursor: null, newerCursor: null }) };
    s = apply(s, { type: 'chatRemoved', chatId: 1 });
    expect(s.chats).toEqual({});
    expect(s.openChatId).toBeNull();
    expect(s.timeline).toBeNull();
  });

  it('removing an account removes its chats', () => {
    let s = stateWith({ chats: { 1: chatView(1), 2: chatView(2, { accountId: 'acc-2' }) } });
    s = apply(s, { type: 'accountRemoved', accountId: 'acc-1' });
    expect(Object.keys(s.chats)).toEqual(['2']);
  });

  it('appends a new message to the open timeline when the window reaches the newest', () => {
    const tl = windowFromPage(1, { messages: [messageView(1), messageView(2)], olderCursor: null, newerCursor: null });
    let s = stateWith({ openChatId: 1, timeline: tl });
    s = apply(s, { type: 'message', message: messageView(3) });
    expect(s.timeline?.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    // The same message again (the send answer and the event) is not doubled.
    s = apply(s, { type: 'message', message: messageView(3, { status: 'sent' }) });
    expect(s.timeline?.messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('leaves the timeline alone for another chat or a window that stops short of the newest', () => {
    const short = windowFromPage(1, { messages: [messageView(1)], olderCursor: null, newerCursor: { sentAt: 1000, id: 1 } });
    const s = stateWith({ openChatId: 1, timeline: short });
    expect(reduceEvent(s, { type: 'message', message: messageView(9) }, 0)?.timeline).toBeUndefined();
    expect(reduceEvent(s, { type: 'message', message: messageView(9, { chatId: 2 }) }, 0)?.timeline).toBeUndefined();
  });

  it('replaces an updated message by id', () => {
    const tl = windowFromPage(1, { messages: [messageView(1), messageView(2)], olderCursor: null, newerCursor: null });
    const s = apply(stateWith({ timeline: tl }), { type: 'messageUpdated', message: messageView(2, { deleted: true }) });
    expect(s.timeline?.messages[1]?.deleted).toBe(true);
    expect(reduceEvent(s, { type: 'messageUpdated', message: messageView(42) }, 0)).toBeNull();
  });

  it('tracks who is typing until they stop, send, or go quiet for 6 s', () => {
    let s = stateWith({});
    s = apply(s, { type: 'typing', chatId: 1, from: 'bob@example.org', state: 'composing' }, 1000);
    expect(s.typing[1]?.map((t) => t.from)).toEqual(['bob@example.org']);
    s = apply(s, { type: 'typing', chatId: 1, from: 'bob@example.org', state: 'paused' }, 2000);
    expect(s.typing[1]).toBeUndefined();
    s = apply(s, { type: 'typing', chatId: 1, from: 'bob@example.org', state: 'composing' }, 3000);
    s = apply(s, { type: 'message', message: messageView(5) }, 3500);
    expect(s.typing[1]).toBeUndefined();
    s = apply(s, { type: 'typing', chatId: 1, from: 'bob@example.org', state: 'composing' }, 4000);
    expect(expireTyping(s, 4000 + TYPING_TTL_MS - 1)).toBeNull();
    expect(expireTyping(s, 4000 + TYPING_TTL_MS)?.typing).toEqual({});
  });
});
