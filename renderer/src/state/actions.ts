// Everything the UI asks of the core, and how each answer lands in the store. Calls never throw;
// a failed call becomes a UI error (the global alert) unless the caller shows it itself (dialogs).
import type { ChatView, Method, Params, Result, Results, SafetyNumberView, SwitchboardApi } from '../api';
import { type AppStore } from './store';
import { withoutChats } from './applyEvent';
import { appendNewer, prependOlder, upsertMessage, windowFromPage } from './timeline';

export const PAGE_SIZE = 100;
const ERROR_TTL_MS = 10_000;
const HIGHLIGHT_MS = 2500;

export interface ActionDeps {
  api: () => SwitchboardApi;
  store: AppStore;
}

export function createActions({ api, store }: ActionDeps) {
  let nextErrorId = 1;

  async function rawCall<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>> {
    try {
      return await api().call(method, params);
    } catch (err) {
      // The contract says calls never throw; a broken bridge still must not break the UI.
      return { ok: false, error: { code: 'internal', message: String(err) } };
    }
  }

  function reportError(message: string): void {
    const id = nextErrorId++;
    store.setState((s) => ({ errors: [...s.errors, { id, message }] }));
    setTimeout(() => dismissError(id), ERROR_TTL_MS);
  }

  function dismissError(id: number): void {
    store.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
  }

  /** Calls and returns the value, or reports the error and returns null. */
  async function call<M extends Method>(method: M, params: Params<M>): Promise<Results[M] | null> {
    const result = await rawCall(method, params);
    if (result.ok) return result.value;
    reportError(result.error.message);
    return null;
  }

  function upsertChat(chat: ChatView): void {
    store.setState((s) => ({ chats: { ...s.chats, [chat.id]: chat } }));
  }

  async function loadSnapshot(): Promise<boolean> {
    const [snapshot, settings] = await Promise.all([call('getSnapshot', {}), call('getSettings', {})]);
    if (!snapshot) return false;
    store.setState({
      ...(settings ? { settings } : {}),
      ready: true,
      accounts: Object.fromEntries(snapshot.accounts.map((a) => [a.id, a])),
      chats: Object.fromEntries(snapshot.chats.map((c) => [c.id, c])),
    });
    return true;
  }

  async function openChat(chatId: number, force = false): Promise<void> {
    const s = store.getState();
    if (!force && s.openChatId === chatId && s.timeline?.chatId === chatId && s.timeline.newerCursor === null) return;
    store.setState({ openChatId: chatId, timeline: null });
    const opened = await call('openChat', { chatId, limit: PAGE_SIZE });
    if (!opened || store.getState().openChatId !== chatId) return;
    upsertChat(opened.chat);
    store.setState({ timeline: windowFromPage(chatId, opened.page) });
  }

  /** Closes the open chat here; the core hears of it through watchOpenChat. */
  function closeChat(): void {
    store.setState({ openChatId: null, timeline: null });
  }

  /**
   * Tells the core when no chat is open any more, whatever closed it (the user, or the chat or its
   * account going away). Returns the unsubscribe function.
   */
  function watchOpenChat(): () => void {
    return store.subscribe((state, previous) => {
      if (previous.openChatId !== null && state.openChatId === null) void call('closeChat', {});
    });
  }

  /** Opens a chat on a window around one message (a search hit) and flashes it. */
  async function openChatAt(chatId: number, messageId: number): Promise<void> {
    const wasOpen = store.getState().openChatId === chatId;
    store.setState({ openChatId: chatId, timeline: null });
    const [, around] = await Promise.all([
      wasOpen ? Promise.resolve(null) : call('openChat', { chatId, limit: 1 }),
      call('loadAround', { messageId, limit: PAGE_SIZE }),
    ]);
    if (!around || store.getState().openChatId !== chatId) return;
    upsertChat(around.chat);
    const window = windowFromPage(chatId, around, messageId);
    store.setState({ timeline: window });
    setTimeout(() => {
      const tl = store.getState().timeline;
      if (tl && tl.generation === window.generation) store.setState({ timeline: { ...tl, highlightId: null } });
    }, HIGHLIGHT_MS);
  }

  async function loadOlder(): Promise<void> {
    const tl = store.getState().timeline;
    if (!tl || !tl.olderCursor || tl.loadingOlder) return;
    store.setState({ timeline: { ...tl, loadingOlder: true } });
    const page = await call('loadOlder', { chatId: tl.chatId, before: tl.olderCursor, limit: PAGE_SIZE });
    const now = store.getState().timeline;
    if (!now || now.generation !== tl.generation) return;
    store.setState({ timeline: page ? prependOlder(now, page) : { ...now, loadingOlder: false } });
  }

  async function loadNewer(): Promise<void> {
    const tl = store.getState().timeline;
    if (!tl || !tl.newerCursor || tl.loadingNewer) return;
    store.setState({ timeline: { ...tl, loadingNewer: true } });
    const page = await call('loadNewer', { chatId: tl.chatId, after: tl.newerCursor, limit: PAGE_SIZE });
    const now = store.getState().timeline;
    if (!now || now.generation !== tl.generation) return;
    store.setState({ timeline: page ? appendNewer(now, page) : { ...now, loadingNewer: false } });
  }

  /** Replaces a window that does not reach the newest message with the newest page. */
  async function jumpToLatest(): Promise<void> {
    const { openChatId, timeline } = store.getState();
    if (openChatId !== null && timeline && timeline.newerCursor !== null) await openChat(openChatId, true);
  }

  async function send(chatId: number, body: string): Promise<boolean> {
    const message = await call('send', { chatId, body });
    if (!message) return false;
    const tl = store.getState().timeline;
    if (tl && tl.chatId === chatId) {
      if (tl.newerCursor === null) store.setState({ timeline: { ...tl, messages: upsertMessage(tl.messages, message) } });
      else await openChat(chatId, true);
    }
    return true;
  }

  async function retry(messageId: number): Promise<void> {
    const message = await call('retry', { messageId });
    const tl = store.getState().timeline;
    if (message && tl && tl.chatId === message.chatId) {
      store.setState({ timeline: { ...tl, messages: upsertMessage(tl.messages, message) } });
    }
  }

  async function setChatFlags(chatId: number, flags: { pinned?: boolean; muted?: boolean; archived?: boolean }) {
    const chat = await call('setChatFlags', { chatId, ...flags });
    if (chat) upsertChat(chat);
  }

  async function search(query: string): Promise<void> {
    store.setState((s) => ({ search: { ...s.search, query } }));
    if (query.trim() === '') {
      store.setState({ search: { query, results: [], loading: false } });
      return;
    }
    store.setState((s) => ({ search: { ...s.search, loading: true } }));
    const results = await call('search', { query, limit: 50 });
    if (store.getState().search.query !== query) return;
    store.setState({ search: { query, results: results ?? [], loading: false } });
  }

  async function resync(): Promise<void> {
    if (!(await loadSnapshot())) return;
    const { openChatId, chats } = store.getState();
    if (openChatId === null) return;
    if (chats[openChatId]) await openChat(openChatId, true);
    else store.setState({ openChatId: null, timeline: null });
  }

  return {
    reportError,
    dismissError,
    loadSnapshot,
    resync,
    openChat,
    closeChat,
    watchOpenChat,
    openChatAt,
    loadOlder,
    loadNewer,
    jumpToLatest,
    send,
    retry,
    setChatFlags,
    search,
    clearSearch: () => store.setState({ search: { query: '', results: [], loading: false } }),
    setDraft(chatId: number, draft: string): void {
      // Keep the local copy current too, so reopening the chat before the core's echo restores it.
      store.setState((s) => {
        const chat = s.chats[chatId];
        return chat ? { chats: { ...s.chats, [chatId]: { ...chat, draft } } } : {};
      });
      void call('setDraft', { chatId, draft });
    },
    /** Typing notices are best effort: a failure is not worth an alert. */
    setTyping: (chatId: number, state: 'composing' | 'paused' | 'active') => void rawCall('setTyping', { chatId, state }),
    reconnectAccount: (accountId: string) => void call('reconnectAccount', { accountId }),
    /** Dialogs show these errors themselves, so they get the raw result. */
    async addAccount(params: Params<'addAccount'>): Promise<Result<Results['addAccount']>> {
      const result = await rawCall('addAccount', params);
      if (result.ok) store.setState((s) => ({ accounts: { ...s.accounts, [result.value.id]: result.value } }));
      return result;
    },
    async removeAccount(accountId: string): Promise<Result<null>> {
      const result = await rawCall('removeAccount', { accountId });
      if (result.ok) {
        store.setState((s) => {
          const accounts = { ...s.accounts };
          delete accounts[accountId];
          return { accounts, ...withoutChats(s, (c) => c.accountId === accountId) };
        });
      }
      return result;
    },
    /** Dialogs show these errors themselves, so they get the raw result. */
    async setInteropEnabled(enabled: boolean): Promise<Result<Results['setInteropEnabled']>> {
      const result = await rawCall('setInteropEnabled', { enabled });
      if (result.ok) store.setState({ settings: result.value });
      return result;
    },
    async setAutoDownload(maxBytes: number): Promise<Result<Results['setAutoDownload']>> {
      const result = await rawCall('setAutoDownload', { maxBytes });
      if (result.ok) store.setState({ settings: result.value });
      return result;
    },
    async acceptChat(chatId: number): Promise<void> {
      const chat = await call('acceptChat', { chatId });
      if (chat) upsertChat(chat);
    },
    async blockChat(chatId: number): Promise<void> {
      const chat = await call('blockChat', { chatId });
      if (!chat) return;
      upsertChat(chat);
      if (store.getState().openChatId === chatId) closeChat();
    },
    /** The safety-number screen shows its own error. */
    getSafetyNumber: (chatId: number): Promise<Result<SafetyNumberView>> => rawCall('getSafetyNumber', { chatId }),
    async markVerified(chatId: number, verified = true): Promise<void> {
      const chat = await call('markVerified', { chatId, verified });
      if (chat) upsertChat(chat);
    },
    async acknowledgeIdentity(chatId: number): Promise<void> {
      const chat = await call('acknowledgeIdentity', { chatId });
      if (chat) upsertChat(chat);
    },
    async startChat(accountId: string, address: string): Promise<Result<ChatView>> {
      const result = await rawCall('startChat', { accountId, address });
      if (result.ok) {
        upsertChat(result.value);
        void openChat(result.value.id);
      }
      return result;
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
