// What the service does with each adapter event: normalise, store (dropping duplicates), update
// the chat row, and push one event to the UI. The UI never asks the network directly.

import type { AdapterEvent, ChatInfo, IncomingMessage, Logger, NetworkId } from '../../protocols/adapter';
import type { CoreEvent, MessageView } from '../api/contract';
import type { SummaryChange } from '../store/chat-summary';
import type { ChatRow, MessageRow, RequestState, Store } from '../store/types';
import type { AccountHost } from './accountHost';
import type { EarlyReceipts } from './earlyReceipts';
import type { Outbox } from './outbox';
import { notificationText } from './mediaWords';
import { chatView } from './views';

export interface IngestDeps {
  store: Store;
  accounts: AccountHost;
  outbox: Outbox;
  earlyReceipts: EarlyReceipts;
  emit(event: CoreEvent): void;
  emitAccount(accountId: string): void;
  /** The chat the user has open, whose incoming messages are read as they arrive. */
  activeChatId(): number | null;
  /** A stored message as the UI sees it, with its attachments (see messageViews.ts). */
  messageView(row: MessageRow): MessageView;
  log: Logger;
}

export const UNDECRYPTABLE_TEXT = 'This message could not be decrypted';

/** The notice put into a chat when the contact's identity key (safety number) changed. */
export function identityChangedText(title: string): string {
  return `${title}'s safety number changed`;
}

/**
 * Networks where a first message from someone new is a request: the chat starts 'pending' and
 * nothing (receipts, read markers, typing, replies) goes back until the user accepts it.
 */
const REQUEST_NETWORKS: ReadonlySet<NetworkId> = new Set(['interop']);

/** Used when a message arrives for a chat the adapter has not described: say what we know. */
function placeholderChat(address: string, network: NetworkId | undefined): ChatInfo {
  if (network === 'interop') {
    return {
      address,
      title: address,
      kind: 'direct',
      inbox: 'interop',
      security: { e2ee: true, protocol: 'Signal Protocol', endsAt: 'recipient-device', label: 'End-to-end encrypted · Signal Protocol' },
    };
  }
  return {
    address,
    title: address,
    kind: 'direct',
    inbox: 'native',
    security: { e2ee: false, protocol: null, endsAt: 'server', label: 'Not end-to-end encrypted · the server can read messages' },
  };
}

/** A chat row brought up to date with what a batch of inserts wrote to its summary. */
function withSummary(chat: ChatRow, change: SummaryChange): ChatRow {
  const last = change.last;
  if (!last) return { ...chat, unreadCount: change.unreadCount };
  return {
    ...chat,
    unreadCount: change.unreadCount,
    lastMessageId: last.id,
    lastPreview: last.preview,
    lastSenderMe: last.fromMe,
    lastDeleted: false,
    lastActivityAt: last.sentAt,
  };
}

/**
 * Messages arriving together (a catch-up, a burst) are stored in one transaction of at most this
 * many. Each commit writes the WAL pages the batch touched, so bigger batches amortise it: at 1M
 * messages a burst went from ~9k msg/s at 1,000 to ~13k at 2,000 (bench/serviceFigures.ts). The
 * price is the time one batch holds the process, ~150 ms here; live messages come one at a time
 * and are stored at once, so only catch-ups pay it.
 */
const BATCH = 2_000;

export class Ingest {
  private readonly pending = new Map<string, IncomingMessage[]>();
  private flushScheduled = false;
  /** Chats the user is starting right now ("account\naddress"): they are never requests. */
  private readonly userStarted = new Set<string>();

  constructor(private readonly deps: IngestDeps) {}

  /** Runs `start` (the adapter's startChat) with the address marked as the user's own choice. */
  async userStarts<T>(accountId: string, address: string, start: () => Promise<T>): Promise<T> {
    const key = `${accountId}\n${address}`;
    this.userStarted.add(key);
    try {
      return await start();
    } finally {
      this.userStarted.delete(key);
    }
  }

  /** Whether the user accepted this chat; a chat not stored yet is a request on request networks. */
  isAccepted(accountId: string, address: string): boolean {
    const chat = this.deps.store.findChat(accountId, address);
    if (chat) return chat.requestState === 'accepted';
    if (this.userStarted.has(`${accountId}\n${address}`)) return true;
    return !this.isRequestNetwork(accountId);
  }

  private isRequestNetwork(accountId: string): boolean {
    const network = this.deps.store.getAccount(accountId)?.network;
    return network !== undefined && REQUEST_NETWORKS.has(network);
  }

  /** The request state a chat gets when an event from the network creates it. */
  private initialState(accountId: string, address: string, fromMe: boolean): RequestState {
    if (fromMe || this.userStarted.has(`${accountId}\n${address}`)) return 'accepted';
    return this.isRequestNetwork(accountId) ? 'pending' : 'accepted';
  }

  handle(accountId: string, event: AdapterEvent): void {
    if (event.type === 'message') {
      this.queue(accountId, event.message);
      return;
    }
    // Anything else may refer to a message still waiting (a receipt, an edit): store those first.
    this.flush(accountId);
    try {
      this.dispatch(accountId, event);
    } catch (err) {
      // A bad event must not break the stream of the ones after it; it is logged to be fixed.
      this.deps.log.error('could not apply an adapter event', {
        accountId,
        type: event.type,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Stores every message still waiting; called before shutdown. */
  flushAll(): void {
    for (const accountId of [...this.pending.keys()]) this.flush(accountId);
  }

  private queue(accountId: string, message: IncomingMessage): void {
    let waiting = this.pending.get(accountId);
    if (!waiting) {
      waiting = [];
      this.pending.set(accountId, waiting);
    }
    waiting.push(message);
    if (waiting.length >= BATCH) {
      this.flush(accountId);
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flushAll();
      });
    }
  }

  private flush(accountId: string): void {
    const waiting = this.pending.get(accountId);
    if (!waiting?.length) return;
    this.pending.delete(accountId);
    try {
      this.messages(accountId, waiting);
    } catch (err) {
      this.deps.log.error('could not store incoming messages', {
        accountId,
        count: waiting.length,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private dispatch(accountId: string, event: AdapterEvent): void {
    const { store, emit } = this.deps;
    switch (event.type) {
      case 'state':
        this.deps.emitAccount(accountId);
        if (event.state.kind === 'online') {
          this.deps.outbox.kick(accountId);
          this.readOpenChatAgain(accountId);
        }
        return;
      case 'chat': {
        const state = this.initialState(accountId, event.chat.address, false);
        emit({ type: 'chat', chat: chatView(store.upsertChat(accountId, event.chat, Date.now(), state)) });
        return;
      }
      case 'message':
        this.messages(accountId, [event.message]);
        return;
      case 'receipt': {
        const changed = store.applyReceipt(accountId, event.targetNetworkIds, event.status);
        for (const row of changed) emit({ type: 'messageUpdated', message: this.deps.messageView(row) });
        const matched = new Set(changed.map((row) => row.networkId));
        const unmatched = event.targetNetworkIds.filter((id) => !matched.has(id));
        if (unmatched.length) this.deps.earlyReceipts.remember(accountId, unmatched, event.status, Date.now());
        return;
      }
      case 'edit': {
        const row = store.applyEdit(accountId, event.targetNetworkId, event.body, event.at);
        if (row) this.emitUpdated(row.chatId, row.id);
        return;
      }
      case 'delete': {
        const row = store.applyDelete(accountId, event.targetNetworkId, event.at);
        if (row) this.emitUpdated(row.chatId, row.id);
        return;
      }
      case 'typing': {
        const chat = store.findChat(accountId, event.chat);
        if (chat && chat.requestState !== 'blocked') emit({ type: 'typing', chatId: chat.id, from: event.from, state: event.state });
        return;
      }
      case 'presence':
        return;
      case 'capabilities':
        // The account's view carries the attachment limits the composer checks against.
        this.deps.emitAccount(accountId);
        return;
      case 'identity':
        this.identity(accountId, event.chat, event.change, event.at);
        return;
      case 'undecryptable':
        this.undecryptable(accountId, event);
        return;
    }
  }

  /**
   * A contact's identity key: the first one is simply trusted (nothing to show); a changed one is
   * never hidden — a notice in the chat, and the chat is unverified until the user acknowledges it.
   */
  private identity(accountId: string, address: string, change: 'first-seen' | 'changed', at: number): void {
    if (change === 'first-seen') return;
    const { store, emit } = this.deps;
    const chat = store.findChat(accountId, address);
    if (!chat || chat.requestState === 'blocked') return;
    const notice = store.insertSystemMessage({
      chatId: chat.id,
      kind: 'notice',
      body: identityChangedText(chat.title),
      sentAt: at,
      sender: address,
      dedupeKey: `identity:${address}:${at}`,
    });
    if (notice) emit({ type: 'message', message: this.deps.messageView(notice) });
    emit({ type: 'chat', chat: chatView(store.setChatTrust(chat.id, { verified: false, identityChanged: true })) });
  }

  private undecryptable(accountId: string, event: Extract<AdapterEvent, { type: 'undecryptable' }>): void {
    const { store, emit } = this.deps;
    const chat =
      store.findChat(accountId, event.chat) ??
      this.announce(accountId, placeholderChat(event.chat, store.getAccount(accountId)?.network), this.initialState(accountId, event.chat, false));
    if (chat.requestState === 'blocked') return;
    const row = store.insertSystemMessage({
      chatId: chat.id,
      kind: 'undecryptable',
      body: UNDECRYPTABLE_TEXT,
      sentAt: event.sentAt,
      sender: event.sender,
      dedupeKey: `undecryptable:${event.networkId}`,
    });
    if (row) emit({ type: 'message', message: this.deps.messageView(row) });
  }

  private messages(accountId: string, list: IncomingMessage[]): void {
    const { store, emit } = this.deps;
    const chats = new Map<string, ChatRow>();
    const network = store.getAccount(accountId)?.network;
    // Every chat of the burst in one lookup; only unknown ones are created, one by one.
    const stored = new Map(store.findChats(accountId, [...new Set(list.map((m) => m.chat))]).map((c) => [c.address, c]));
    const chatOf = (message: IncomingMessage): ChatRow => {
      let chat = chats.get(message.chat);
      if (!chat) {
        chat =
          stored.get(message.chat) ??
          this.announce(accountId, placeholderChat(message.chat, network), this.initialState(accountId, message.chat, message.fromMe));
        if (chat.requestState === 'pending' && message.fromMe) {
          // The user answered from another device: that accepts the request.
          chat = store.setRequestState(chat.id, 'accepted');
        }
        chats.set(message.chat, chat);
      }
      return chat;
    };
    // A blocked contact's messages are dropped: not stored, no notification.
    list = list.filter((message) => chatOf(message).requestState !== 'blocked');
    if (list.length === 0) return;
    const items = list.map((message) => ({ chatId: chatOf(message).id, message }));
    const changes = new Map<number, SummaryChange>();
    const rows = store.insertIncomingBatch(accountId, items, changes);
    const touched = new Map<number, ChatRow>();
    let liveIntoActive = false;
    rows.forEach((row, i) => {
      const message = list[i];
      const chat = message && chats.get(message.chat);
      if (!message || !chat) return;
      if (!row) {
        // A duplicate, or our own message coming back (carbon, archive): show its new state.
        if (message.fromMe && message.clientId) {
          const own = store.getMessageByClientId(accountId, message.clientId);
          if (own) emit({ type: 'messageUpdated', message: this.deps.messageView(own) });
        }
        return;
      }
      emit({ type: 'message', message: this.deps.messageView(row) });
      touched.set(chat.id, chat);
      const active = this.deps.activeChatId() === chat.id;
      if (!message.fromMe && active && !message.historical) liveIntoActive = true;
      if (!message.fromMe && !message.historical && !chat.muted && !active) {
        emit({
          type: 'notification',
          chatId: chat.id,
          title: message.senderName ?? chat.title,
          body: notificationText(message),
        });
      }
    });
    const activeId = this.deps.activeChatId();
    if (activeId !== null && touched.has(activeId)) {
      // The user is looking at this chat: what arrives in it is read as it arrives.
      const newest = store.markChatRead(activeId);
      const chat = store.getChat(activeId);
      if (chat) touched.set(activeId, chat);
      if (chat && newest?.networkId && liveIntoActive) void this.sendReadMarker(accountId, chat, newest.networkId);
    }
    for (const [chatId, chat] of touched) {
      // The row from before the batch plus what the batch wrote: no second read per chat.
      const change = chatId === activeId ? undefined : changes.get(chatId);
      emit({ type: 'chat', chat: chatView(change ? withSummary(chat, change) : chat) });
    }
  }

  private announce(accountId: string, info: ChatInfo, requestState: RequestState): ChatRow {
    const row = this.deps.store.upsertChat(accountId, info, Date.now(), requestState);
    this.deps.emit({ type: 'chat', chat: chatView(row) });
    return row;
  }

  private emitUpdated(chatId: number, messageId: number): void {
    const { store, emit } = this.deps;
    const message = store.getMessage(messageId);
    if (message) emit({ type: 'messageUpdated', message: this.deps.messageView(message) });
    const chat = store.getChat(chatId);
    if (chat) emit({ type: 'chat', chat: chatView(chat) });
  }

  /** Tells the sender the user has read up to this message — never for a request not yet accepted. */
  /**
   * A chat opened while its account was offline could not send its read marker then: send it
   * once the account is back, so the sender sees "Read".
   */
  private readOpenChatAgain(accountId: string): void {
    const activeId = this.deps.activeChatId();
    const chat = activeId === null ? undefined : this.deps.store.getChat(activeId);
    if (!chat || chat.accountId !== accountId) return;
    const newest = this.deps.store.markChatRead(chat.id);
    if (newest?.networkId) void this.sendReadMarker(accountId, chat, newest.networkId);
  }

  async sendReadMarker(accountId: string, chat: ChatRow, networkId: string): Promise<void> {
    if (this.deps.store.getChat(chat.id)?.requestState !== 'accepted') return;
    const adapter = this.deps.accounts.adapter(accountId);
    if (!adapter || adapter.state.kind !== 'online') return;
    try {
      await adapter.markRead(chat.address, networkId);
    } catch (err) {
      this.deps.log.warn('read marker not sent', { accountId, chatId: chat.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
