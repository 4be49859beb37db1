// How each event the core pushes changes the store. 'resync' and 'notification' are not state
// changes and are handled by the caller (actions.resync, notifications.ts).
import type { AccountView, ChatView, CoreEvent, MessageView } from '../api';
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
