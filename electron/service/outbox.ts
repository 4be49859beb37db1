// The outbox: own messages are written to the store as `queued` before anything goes to the
// network, and leave that state only when the adapter says the server has them. Whatever is still
// queued when an account comes online — after a reconnect or a restart — is sent again, oldest
// first; the client id makes the resend idempotent on the network.
//
// Each chat has a lane of its own: a chat's messages go out one at a time and in order, while
// other chats' lanes move independently — so a big file uploading (and its retries) holds up only
// the messages after it in its own chat, never a text to someone else.

import type { Logger, ProtocolAdapter, RemoteAttachment } from '../../protocols/adapter';
import type { MessageRow, Store } from '../store/types';
import type { EarlyReceipts } from './earlyReceipts';
import { CANCELLED, UploadStopped, type Uploads } from './mediaUploads';
import { networkNames } from './networks';

export interface OutboxDeps {
  store: Store;
  adapterFor(accountId: string): ProtocolAdapter | undefined;
  onUpdated(row: MessageRow): void;
  earlyReceipts: EarlyReceipts;
  /** The upload step for messages with files (see mediaUploads.ts). */
  uploads: Uploads;
  log: Logger;
}

/** Attempts while the account stays online before a message is shown as failed. */
const ATTEMPTS_WHILE_ONLINE = 3;

export class Outbox {
  /** The lanes running now, by chat id; `again` = kicked while running: look at the queue once more. */
  private readonly lanes = new Map<number, { again: boolean }>();

  constructor(private readonly deps: OutboxDeps) {}

  /** Sends what is queued for the account, if it is online; safe to call at any time. */
  kick(accountId: string): void {
    const chats = new Set(this.deps.store.listQueued(accountId).map((row) => row.chatId));
    for (const chatId of chats) this.kickLane(accountId, chatId);
  }

  /** Resolves when no lane is running (for orderly shutdown and tests). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private kickLane(accountId: string, chatId: number): void {
    const running = this.lanes.get(chatId);
    if (running) {
      running.again = true;
      return;
    }
    const lane = { again: false };
    this.lanes.set(chatId, lane);
    void this.flush(accountId, chatId, lane)
      .catch((err: unknown) => {
        this.deps.log.error('outbox lane failed', { accountId, chatId, error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        this.lanes.delete(chatId);
        // A kick between the flush's last look at `again` and here would otherwise be lost (a Retry).
        if (lane.again) this.kickLane(accountId, chatId);
      });
  }

  /** The chat's queued messages, oldest first, until the queue is empty or the account offline. */
  private async flush(accountId: string, chatId: number, lane: { again: boolean }): Promise<void> {
    do {
      lane.again = false;
      for (const row of this.deps.store.listQueued(accountId)) {
        if (row.chatId !== chatId) continue;
        const sent = await this.sendOne(accountId, row);
        if (!sent) return;
      }
    } while (lane.again);
  }

  /** False when the account went offline: the rest stays queued for the next flush. */
  private async sendOne(accountId: string, row: MessageRow): Promise<boolean> {
    const { store, log } = this.deps;
    const chat = store.getChat(row.chatId);
    if (!chat || !row.clientId) {
      this.deps.onUpdated(store.markFailed(row.id, 'The chat of this message no longer exists.'));
      return true;
    }
    let lastError = '';
    for (let attempt = 1; attempt <= ATTEMPTS_WHILE_ONLINE; attempt++) {
      const adapter = this.deps.adapterFor(accountId);
      if (!adapter || adapter.state.kind !== 'online') return false;
      // Cancelled (or sent) meanwhile: the list this flush walks was read before.
      if (store.getMessage(row.id)?.status !== 'queued') return true;
      try {
        let attachments: RemoteAttachment[] | undefined;
        if (row.attachmentCount > 0) {
          attachments = await this.deps.uploads.prepare(row, adapter, networkNames[chat.network]);
          if (store.getMessage(row.id)?.status !== 'queued') return true;
        }
        const result = await adapter.send(chat.address, { clientId: row.clientId, body: row.body, ...(attachments ? { attachments } : {}) });
        this.deps.onUpdated(store.markSent(row.id, result.networkId, result.sentAt));
        const early = this.deps.earlyReceipts.take(accountId, result.networkId, Date.now());
        if (early) for (const updated of store.applyReceipt(accountId, [result.networkId], early)) this.deps.onUpdated(updated);
        return true;
      } catch (err) {
        if (err instanceof UploadStopped) {
          // Shutdown keeps it queued for the next start; a cancel or a refusal ends it now.
          if (err.outcome === 'shutdown') return false;
          this.deps.onUpdated(store.markFailed(row.id, err.outcome === 'cancelled' ? CANCELLED : err.message));
          return true;
        }
        lastError = err instanceof Error ? err.message : String(err);
        log.warn('send failed', { accountId, messageId: row.id, attempt, error: lastError });
        // A dropped connection rejects the send before the state event arrives: give the state a
        // moment to catch up, so a disconnect leaves the message queued rather than failed.
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
    const adapter = this.deps.adapterFor(accountId);
    if (!adapter || adapter.state.kind !== 'online') return false;
    this.deps.onUpdated(store.markFailed(row.id, `Could not send: ${lastError}`));
    return true;
  }
}
