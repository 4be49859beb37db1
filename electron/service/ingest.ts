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

export class Ingest {
  constructor(private readonly deps: IngestDeps) {}

  handle(accountId: string, event: AdapterEvent): void {
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
        this.message(accountId, event.message);
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
        return;
    }
  }

  private message(accountId: string, message: IncomingMessage): void {
    const { store, emit } = this.deps;
    const chat =
      store.findChat(accountId, message.chat) ?? this.announce(accountId, placeholderChat(message.chat));
    const row = store.insertIncoming(accountId, chat.id, message);
    if (!row) {
      // A duplicate, or our own message coming back (carbon, archive): show its new state.
      if (message.fromMe && message.clientId) {
        const own = store.getMessageByClientId(accountId, message.clientId);
        if (own) emit({ type: 'messageUpdated', message: messageView(own) });
      }
      return;
    }
    emit({ type: 'message', message: messageView(row) });
    if (!message.fromMe && this.deps.activeChatId() === chat.id) {
      const newest = store.markChatRead(chat.id);
      if (newest?.networkId && !message.historical) void this.sendReadMarker(accountId, chat, newest.networkId);
    }
    const updated = store.getChat(chat.id);
    if (updated) emit({ type: 'chat', chat: chatView(updated) });
    if (!message.fromMe && !message.historical && !chat.muted && this.deps.activeChatId() !== chat.id) {
      emit({
        type: 'notification',
        chatId: chat.id,
        title: message.senderName ?? chat.title,
        body: message.body.length > 200 ? `${message.body.slice(0, 200)}…` : message.body,
      });
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
