// What the service does with each adapter event: normalise, store (dropping duplicates), update
// the chat row, and push one event to the UI. The UI never asks the network directly.

import type { AdapterEvent, ChatInfo, IncomingMessage, Logger } from '../../protocols/adapter';
import type { CoreEvent } from '../api/contract';
import type { ChatRow, Store } from '../store/types';
import type { AccountHost } from './accountHost';
import type { EarlyReceipts } from './earlyReceipts';
import type { Outbox } from './outbox';
import { chatView, messageView } from './views';

export interface IngestDeps {
  store: Store;
  accounts: AccountHost;
  outbox: Outbox;
  earlyReceipts: EarlyReceipts;
  emit(event: CoreEvent): void;
  emitAccount(accountId: string): void;
  /** The chat the user has open, whose incoming messages are read as they arrive. */
  activeChatId(): number | null;
  log: Logger;
}

/** Used when a message arrives for a chat the adapter has not described: say what we know. */
function placeholderChat(address: string): ChatInfo {
  return {
    address,
    title: address,
    kind: 'direct',
    inbox: 'native',
    security: { e2ee: false, protocol: null, endsAt: 'server', label: 'Not end-to-end encrypted · the server can read messages' },
  };
}

/** Messages arriving together (a catch-up, a burst) are stored in one transaction of at most this many. */
const BATCH = 1_000;

export class Ingest {
  private readonly pending = new Map<string, IncomingMessage[]>();
  private flushScheduled = false;

  constructor(private readonly deps: IngestDeps) {}

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
        if (event.state.kind === 'online') this.deps.outbox.kick(accountId);
        return;
      case 'chat':
        emit({ type: 'chat', chat: chatView(store.upsertChat(accountId, event.chat, Date.now())) });
        return;
      case 'message':
        this.messages(accountId, [event.message]);
        return;
      case 'receipt': {
        const changed = store.applyReceipt(accountId, event.targetNetworkIds, event.status);
        for (const row of changed) emit({ type: 'messageUpdated', message: messageView(row) });
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
        if (chat) emit({ type: 'typing', chatId: chat.id, from: event.from, state: event.state });
        return;
      }
      case 'presence':
      case 'identity':
      case 'undecryptable':
        // Identity notices and undecryptable placeholders arrive with the interop channel's UI.
        return;
    }
  }

  private messages(accountId: string, list: IncomingMessage[]): void {
    const { store, emit } = this.deps;
    const chats = new Map<string, ChatRow>();
    const chatOf = (address: string): ChatRow => {
      let chat = chats.get(address);
      if (!chat) {
        chat = store.findChat(accountId, address) ?? this.announce(accountId, placeholderChat(address));
        chats.set(address, chat);
      }
      return chat;
    };
    const items = list.map((message) => ({ chatId: chatOf(message.chat).id, message }));
    const rows = store.insertIncomingBatch(accountId, items);
    const touched = new Set<number>();
    let liveIntoActive = false;
    rows.forEach((row, i) => {
      const message = list[i];
      const chat = message && chats.get(message.chat);
      if (!message || !chat) return;
      if (!row) {
        // A duplicate, or our own message coming back (carbon, archive): show its new state.
        if (message.fromMe && message.clientId) {
          const own = store.getMessageByClientId(accountId, message.clientId);
          if (own) emit({ type: 'messageUpdated', message: messageView(own) });
        }
        return;
      }
      emit({ type: 'message', message: messageView(row) });
      touched.add(chat.id);
      const active = this.deps.activeChatId() === chat.id;
      if (!message.fromMe && active && !message.historical) liveIntoActive = true;
      if (!message.fromMe && !message.historical && !chat.muted && !active) {
        emit({
          type: 'notification',
          chatId: chat.id,
          title: message.senderName ?? chat.title,
          body: message.body.length > 200 ? `${message.body.slice(0, 200)}…` : message.body,
        });
      }
    });
    const activeId = this.deps.activeChatId();
    if (activeId !== null && touched.has(activeId)) {
      // The user is looking at this chat: what arrives in it is read as it arrives.
      const newest = store.markChatRead(activeId);
      const chat = store.getChat(activeId);
      if (chat && newest?.networkId && liveIntoActive) void this.sendReadMarker(accountId, chat, newest.networkId);
    }
    for (const chatId of touched) {
      const updated = store.getChat(chatId);
      if (updated) emit({ type: 'chat', chat: chatView(updated) });
    }
  }

  private announce(accountId: string, info: ChatInfo): ChatRow {
    const row = this.deps.store.upsertChat(accountId, info, Date.now());
    this.deps.emit({ type: 'chat', chat: chatView(row) });
    return row;
  }

  private emitUpdated(chatId: number, messageId: number): void {
    const { store, emit } = this.deps;
    const message = store.getMessage(messageId);
    if (message) emit({ type: 'messageUpdated', message: messageView(message) });
    const chat = store.getChat(chatId);
    if (chat) emit({ type: 'chat', chat: chatView(chat) });
  }

  async sendReadMarker(accountId: string, chat: ChatRow, networkId: string): Promise<void> {
    const adapter = this.deps.accounts.adapter(accountId);
    if (!adapter || adapter.state.kind !== 'online') return;
    try {
      await adapter.markRead(chat.address, networkId);
    } catch (err) {
      this.deps.log.warn('read marker not sent', { accountId, chatId: chat.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
