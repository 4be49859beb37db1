// The renderer's one store: what the core told us (accounts, chats, the open chat's timeline
// window, typing) and what the UI holds itself (search, errors). Changed only by applyEvent.ts
// (core events) and actions.ts (answers to calls).
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AccountView, ChatView, SearchResult, Settings } from '../api';
import type { TimelineWindow } from './timeline';

export interface TypingEntry {
  from: string;
  /** Milliseconds since the epoch of the last update; entries older than TYPING_TTL_MS are gone. */
  at: number;
}

export interface UiError {
  id: number;
  message: string;
}

export interface SearchState {
  query: string;
  results: SearchResult[];
  loading: boolean;
}

export interface AppState {
  /** False until the first snapshot arrived. */
  ready: boolean;
  accounts: Record<string, AccountView>;
  chats: Record<number, ChatView>;
  openChatId: number | null;
  /** The open chat's loaded window; null while it loads or when no chat is open. */
  timeline: TimelineWindow | null;
  /** Per chat, who is composing. */
  typing: Record<number, TypingEntry[]>;
  search: SearchState;
  errors: UiError[];
  /** App-wide settings (interoperability on/off); null until loaded. */
  settings: Settings | null;
}

export const TYPING_TTL_MS = 6000;

export function initialState(): AppState {
  return {
    ready: false,
    accounts: {},
    chats: {},
    openChatId: null,
    timeline: null,
    typing: {},
    search: { query: '', results: [], loading: false },
    errors: [],
    settings: null,
  };
}

export const store = createStore<AppState>()(() => initialState());

export type AppStore = typeof store;

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(store, selector);
}
