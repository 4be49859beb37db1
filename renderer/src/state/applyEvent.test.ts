import { describe, expect, it } from 'vitest';
import { applyAttachmentAnswer, expireTyping, markPlayedLocally, reduceEvent } from './applyEvent';
import { type AppState, initialState, TYPING_TTL_MS } from './store';
import { attachmentView, chatView, messageView } from './testData';
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

describe('media in the open timeline', () => {
  const photo = attachmentView(7, { messageId: 2 });
  function withPhoto(): AppState {
    const tl = windowFromPage(1, {
      messages: [messageView(1), messageView(2, { body: 'a caption', attachments: [photo] })],
      olderCursor: null,
      newerCursor: null,
    });
    return stateWith({ openChatId: 1, timeline: tl });
  }
  function attachment(s: AppState) {
    return s.timeline?.messages[1]?.attachments[0];
  }
  const moving = (transferred: number) => ({ state: 'downloading' as const, transferred, total: 1000, error: null });

  it('a message brings its attachments into the timeline as they are', () => {
    const s = apply(withPhoto(), { type: 'message', message: messageView(3, { attachments: [attachmentView(8, { messageId: 3 })] }) });
    expect(s.timeline?.messages[2]?.attachments.map((a) => a.id)).toEqual([8]);
    expect(attachment(s)).toBe(photo);
  });

  it('a transfer event moves the progress, and "done" makes the file available', () => {
    const before = withPhoto();
    let s = apply(before, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: moving(400) });
    expect(attachment(s)?.transfer).toEqual(moving(400));
    expect(attachment(s)?.available).toBe(false);
    const done = { state: 'done' as const, transferred: 1000, total: 1000, error: null };
    s = apply(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: done });
    expect(attachment(s)?.transfer.state).toBe('done');
    expect(attachment(s)?.available).toBe(true);
    // The caption and the other message are untouched.
    expect(s.timeline?.messages[1]?.body).toBe('a caption');
    expect(s.timeline?.messages[0]).toBe(before.timeline?.messages[0]);
  });

  it('a failed transfer keeps its error for the row to show', () => {
    const failed = { state: 'failed' as const, transferred: 10, total: 1000, error: 'This file was changed after it was sent, so it was not saved.' };
    const s = apply(withPhoto(), { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: failed });
    expect(attachment(s)?.transfer).toEqual(failed);
    expect(attachment(s)?.available).toBe(false);
  });

  it('a progress event that trails "done" does not take it back', () => {
    let s = withPhoto();
    s = apply(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: { state: 'done', transferred: 1000, total: 1000, error: null } });
    expect(reduceEvent(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: moving(900) }, 0)).toBeNull();
  });

  it('ignores transfers of another chat, a message not loaded, an unknown attachment, or no news', () => {
    const s = withPhoto();
    expect(reduceEvent(s, { type: 'transfer', chatId: 2, messageId: 2, attachmentId: 7, transfer: moving(1) }, 0)).toBeNull();
    expect(reduceEvent(s, { type: 'transfer', chatId: 1, messageId: 99, attachmentId: 7, transfer: moving(1) }, 0)).toBeNull();
    expect(reduceEvent(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 99, transfer: moving(1) }, 0)).toBeNull();
    expect(reduceEvent(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: photo.transfer }, 0)).toBeNull();
    expect(reduceEvent(stateWith({}), { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: moving(1) }, 0)).toBeNull();
  });

  it('a call answer lands, but never undoes progress the events already brought', () => {
    let s = withPhoto();
    s = apply(s, { type: 'transfer', chatId: 1, messageId: 2, attachmentId: 7, transfer: moving(600) });
    // downloadAttachment answered "pending, 0" before the first progress event reached us.
    s = { ...s, ...applyAttachmentAnswer(s, { ...photo, transfer: { ...photo.transfer, state: 'pending' } }) };
    expect(attachment(s)?.transfer).toEqual(moving(600));
    // A cancel's answer is news.
    const cancelled = { state: 'cancelled' as const, transferred: 600, total: 1000, error: null };
    s = { ...s, ...applyAttachmentAnswer(s, { ...photo, transfer: cancelled }) };
    expect(attachment(s)?.transfer).toEqual(cancelled);
  });

  it('played is set at once and stays set', () => {
    const voice = attachmentView(7, { messageId: 2, kind: 'voice', mime: 'audio/webm', available: true });
    const tl = windowFromPage(1, { messages: [messageView(2, { attachments: [voice] })], olderCursor: null, newerCursor: null });
    let s = stateWith({ timeline: tl });
    s = { ...s, ...markPlayedLocally(s, 2, 7) };
    expect(s.timeline?.messages[0]?.attachments[0]?.played).toBe(true);
    expect(markPlayedLocally(s, 2, 7)).toBeNull();
    // The answer of an older call (played still false there) does not unplay it.
    s = { ...s, ...applyAttachmentAnswer(s, voice) };
    expect(s.timeline?.messages[0]?.attachments[0]?.played).toBe(true);
  });
});
