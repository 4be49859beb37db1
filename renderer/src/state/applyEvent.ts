// How each event the core pushes changes the store. 'resync' and 'notification' are not state
// changes and are handled by the caller (actions.resync, notifications.ts).
import type { AccountView, ChatView, CoreEvent, MessageView } from '../api';
import type { AttachmentView, TransferView } from '../../../electron/api/contract';
import { type AppState, type AppStore, TYPING_TTL_MS, type TypingEntry } from './store';
import { replaceMessage, upsertMessage } from './timeline';

type StateEvent = Exclude<CoreEvent, { type: 'resync' } | { type: 'notification' }>;

export function withoutChats(state: AppState, isGone: (chat: ChatView) => boolean): Partial<AppState> {
  const chats: Record<number, ChatView> = {};
  for (const chat of Object.values(state.chats)) if (!isGone(chat)) chats[chat.id] = chat;
  const openGone = state.openChatId !== null && chats[state.openChatId] === undefined;
  return {
    chats,
    openChatId: openGone ? null : state.openChatId,
    timeline: openGone ? null : state.timeline,
  };
}

function setTyping(state: AppState, chatId: number, from: string, composing: boolean, now: number): Partial<AppState> {
  const current = state.typing[chatId] ?? [];
  const others = current.filter((t) => t.from !== from && now - t.at < TYPING_TTL_MS);
  const next: TypingEntry[] = composing ? [...others, { from, at: now }] : others;
  const typing = { ...state.typing };
  if (next.length > 0) typing[chatId] = next;
  else delete typing[chatId];
  return { typing };
}

/** Drops typing entries not refreshed within TYPING_TTL_MS. */
export function expireTyping(state: AppState, now: number): Partial<AppState> | null {
  let changed = false;
  const typing: Record<number, TypingEntry[]> = {};
  for (const [chatId, entries] of Object.entries(state.typing)) {
    const fresh = entries.filter((t) => now - t.at < TYPING_TTL_MS);
    if (fresh.length !== entries.length) changed = true;
    if (fresh.length > 0) typing[Number(chatId)] = fresh;
  }
  return changed ? { typing } : null;
}

function onMessage(state: AppState, message: MessageView, now: number): Partial<AppState> {
  const patch: Partial<AppState> = message.fromMe ? {} : setTyping(state, message.chatId, message.sender, false, now);
  const tl = state.timeline;
  // A window that does not reach the newest message (a search jump) must not grow a gap.
  if (tl && tl.chatId === message.chatId && tl.newerCursor === null) {
    patch.timeline = { ...tl, messages: upsertMessage(tl.messages, message) };
  }
  return patch;
}

/**
 * Changes one attachment of a message in the open timeline; null when that message is not loaded
 * or nothing changed (so the store and every row keep their identity).
 */
function patchAttachment(
  state: AppState,
  messageId: number,
  attachmentId: number,
  change: (attachment: AttachmentView) => AttachmentView,
): Partial<AppState> | null {
  const tl = state.timeline;
  if (!tl) return null;
  const index = tl.messages.findIndex((m) => m.id === messageId);
  const message = tl.messages[index];
  if (!message) return null;
  let changed = false;
  const attachments = message.attachments.map((a) => {
    if (a.id !== attachmentId) return a;
    const next = change(a);
    if (next !== a) changed = true;
    return next;
  });
  if (!changed) return null;
  const messages = tl.messages.slice();
  messages[index] = { ...message, attachments };
  return { timeline: { ...tl, messages } };
}

const MOVING: ReadonlySet<TransferView['state']> = new Set(['pending', 'uploading', 'downloading']);

/**
 * A transfer event's news for one attachment. A file that is here stays here: a progress event
 * that trails the final one (they are throttled) must not take the "done" back.
 */
export function withTransfer(attachment: AttachmentView, transfer: TransferView): AttachmentView {
  if (attachment.transfer.state === 'done' && MOVING.has(transfer.state)) return attachment;
  const same =
    attachment.transfer.state === transfer.state &&
    attachment.transfer.transferred === transfer.transferred &&
    attachment.transfer.total === transfer.total &&
    attachment.transfer.error === transfer.error;
  if (same) return attachment;
  return { ...attachment, transfer, available: attachment.available || transfer.state === 'done' };
}

/**
 * A call's answer (downloadAttachment, markPlayed…) for an attachment the events may already have
 * moved further: the answer was taken before them, so it does not undo their progress.
 */
export function withAnswer(current: AttachmentView, answer: AttachmentView): AttachmentView {
  const now = current.transfer;
  const then = answer.transfer;
  const eventsAhead =
    (now.state === 'done' && then.state !== 'done') ||
    (now.state === then.state && MOVING.has(now.state) && now.transferred > then.transferred) ||
    (then.state === 'pending' && (now.state === 'uploading' || now.state === 'downloading'));
  return {
    ...answer,
    transfer: eventsAhead ? now : then,
    available: answer.available || (eventsAhead && current.available),
    // Played is one-way: an answer from before the play does not unplay it.
    played: answer.played || current.played,
  };
}

/** Puts a call's answer for one attachment into the open timeline. */
export function applyAttachmentAnswer(state: AppState, answer: AttachmentView): Partial<AppState> | null {
  return patchAttachment(state, answer.messageId, answer.id, (current) => withAnswer(current, answer));
}

/** Marks a voice message played at once, before the core's answer (the dot goes when the user plays). */
export function markPlayedLocally(state: AppState, messageId: number, attachmentId: number): Partial<AppState> | null {
  return patchAttachment(state, messageId, attachmentId, (a) => (a.played ? a : { ...a, played: true }));
}

function upsertAccount(state: AppState, account: AccountView): Partial<AppState> {
  return { accounts: { ...state.accounts, [account.id]: account } };
}

export function reduceEvent(state: AppState, event: StateEvent, now: number): Partial<AppState> | null {
  switch (event.type) {
    case 'account':
      return upsertAccount(state, event.account);
    case 'accountRemoved': {
      const accounts = { ...state.accounts };
      delete accounts[event.accountId];
      return { accounts, ...withoutChats(state, (c) => c.accountId === event.accountId) };
    }
    case 'chat':
      return { chats: { ...state.chats, [event.chat.id]: event.chat } };
    case 'chatRemoved':
      return withoutChats(state, (c) => c.id === event.chatId);
    case 'message':
      return onMessage(state, event.message, now);
    case 'messageUpdated': {
      const tl = state.timeline;
      if (!tl || tl.chatId !== event.message.chatId) return null;
      const messages = replaceMessage(tl.messages, event.message);
      return messages === tl.messages ? null : { timeline: { ...tl, messages } };
    }
    case 'typing':
      return setTyping(state, event.chatId, event.from, event.state === 'composing', now);
    case 'settings':
      return { settings: event.settings };
    case 'transfer': {
      if (state.timeline?.chatId !== event.chatId) return null;
      return patchAttachment(state, event.messageId, event.attachmentId, (a) => withTransfer(a, event.transfer));
    }
  }
}

let typingSweep: ReturnType<typeof setTimeout> | null = null;

function scheduleTypingSweep(store: AppStore, now: () => number): void {
  if (typingSweep !== null) clearTimeout(typingSweep);
  if (Object.keys(store.getState().typing).length === 0) return;
  typingSweep = setTimeout(() => {
    typingSweep = null;
    const patch = expireTyping(store.getState(), now());
    if (patch) store.setState(patch);
    scheduleTypingSweep(store, now);
  }, 1000);
}

export function applyEvent(store: AppStore, event: StateEvent, now: () => number = Date.now): void {
  const patch = reduceEvent(store.getState(), event, now());
  if (patch) store.setState(patch);
  if (event.type === 'typing' || event.type === 'message') scheduleTypingSweep(store, now);
}
