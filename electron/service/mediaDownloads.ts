// Received files come down through a queue, two at a time: enough to keep a connection busy,
// few enough that a chat full of photos does not starve the one file the user clicked. And the
// files the user clicked never wait behind automatic ones: they go first, with slots of their own
// (an automatic download starts only while fewer than two move in all). Each download goes to a
// temp file through the adapter (which verifies it), is hashed, and moves into the media cache;
// the attachment row then says 'done' and the UI may show it.

import { rm } from 'node:fs/promises';
import { AttachmentError, type Logger, type ProtocolAdapter } from '../../protocols/adapter';
import type { AttachmentRow, Store } from '../store/types';
import type { MediaCache } from './mediaCache';
import { remoteOf } from './mediaUploads';
import type { LiveTransfers } from './transfers';

export const DOWNLOADS_AT_ONCE = 2;

/** Who asked: the user (a click on Download or Retry) or the app (auto-download, resuming). */
export type DownloadAsker = 'user' | 'auto';

export interface DownloadDeps {
  store: Store;
  cache: MediaCache;
  transfers: LiveTransfers;
  log: Logger;
  adapterFor(accountId: string): ProtocolAdapter | undefined;
  /** Why the account has no adapter now (interop turned off, the network missing from this build). */
  whyNoAdapter(accountId: string): string;
  onChanged(messageId: number): void;
}

export class Downloads {
  /** Waiting for a slot, in order: the user's first, then the automatic ones. */
  private readonly waiting: { user: number[]; auto: number[] } = { user: [], auto: [] };
  private readonly active = new Map<number, { run: Promise<void>; by: DownloadAsker }>();
  /** Moving downloads the user cancelled, still letting go; and those asked for again meanwhile. */
  private readonly cancelling = new Set<number>();
  private readonly askedAgain = new Map<number, DownloadAsker>();
  private stopped = false;

  constructor(private readonly deps: DownloadDeps) {}

  /**
   * Queues the attachment's download (a no-op when it is already here or moving; one the app
   * queued moves up when the user asks for it) and returns its row as it is now: 'downloading' at
   * 0% while it waits for its turn.
   */
  request(attachmentId: number, by: DownloadAsker = 'auto'): AttachmentRow | undefined {
    const { store } = this.deps;
    const a = store.getAttachment(attachmentId);
    if (!a || a.remoteRef === null || a.contentHash !== null) return a;
    // A Retry right after Cancel: queued again once the cancelled attempt has let go.
    if (this.cancelling.has(a.id) && this.askedAgain.get(a.id) !== 'user') this.askedAgain.set(a.id, by);
    if (this.active.has(a.id) || this.waiting.user.includes(a.id)) return a;
    const queued = this.waiting.auto.indexOf(a.id);
    if (queued >= 0) {
      if (by === 'user') {
        this.waiting.auto.splice(queued, 1);
        this.waiting.user.push(a.id);
        this.pump();
      }
      return a;
    }
    const row = store.updateTransfer(a.id, { state: 'downloading', transferred: 0, error: null });
    this.waiting[by].push(a.id);
    this.deps.onChanged(a.messageId);
    this.pump();
    return row;
  }

  /** The user's Cancel: a waiting download leaves the queue, a moving one is aborted. */
  cancel(attachmentId: number): boolean {
    const list = [this.waiting.user, this.waiting.auto].find((l) => l.includes(attachmentId));
    if (list) {
      list.splice(list.indexOf(attachmentId), 1);
      const a = this.deps.store.updateTransfer(attachmentId, { state: 'cancelled', error: null });
      this.deps.onChanged(a.messageId);
      return true;
    }
    if (!this.active.has(attachmentId) || !this.deps.transfers.cancel(attachmentId)) return false;
    this.cancelling.add(attachmentId);
    this.askedAgain.delete(attachmentId);
    return true;
  }

  /**
   * Shutdown, after LiveTransfers.stopAll() aborted what moves: nothing new starts, and this
   * resolves once the moving downloads have let go. Waiting and aborted ones stay 'downloading'
   * in the store, so the next start resumes them (Store.takeInterruptedTransfers).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.user.length = 0;
    this.waiting.auto.length = 0;
    await Promise.allSettled([...this.active.values()].map((a) => a.run));
  }

  /** Who may start now: the user's while fewer than DOWNLOADS_AT_ONCE of theirs move, else the app's while fewer move in all. */
  private next(): { id: number; by: DownloadAsker } | undefined {
    const users = [...this.active.values()].filter((a) => a.by === 'user').length;
    const user = this.waiting.user[0];
    if (user !== undefined && users < DOWNLOADS_AT_ONCE) return { id: user, by: 'user' };
    const auto = this.waiting.auto[0];
    if (user === undefined && auto !== undefined && this.active.size < DOWNLOADS_AT_ONCE) return { id: auto, by: 'auto' };
    return undefined;
  }

  private pump(): void {
    for (let next = this.next(); !this.stopped && next; next = this.next()) {
      const { id, by } = next;
      this.waiting[by].shift();
      const run = this.run(id).finally(() => {
        this.active.delete(id);
        this.cancelling.delete(id);
        const again = this.askedAgain.get(id);
        this.askedAgain.delete(id);
        if (again) this.request(id, again);
        this.pump();
      });
      this.active.set(id, { run, by });
    }
  }

  private async run(attachmentId: number): Promise<void> {
    const { store, cache, transfers, log } = this.deps;
    const a = store.getAttachment(attachmentId);
    const message = a && store.getMessage(a.messageId);
    if (!a || !message || a.remoteRef === null) return;
    const fail = (error: string): void => {
      store.updateTransfer(a.id, { state: 'failed', error });
      log.warn('download failed', { accountId: message.accountId, attachmentId: a.id, error });
    };
    const adapter = this.deps.adapterFor(message.accountId);
    if (!adapter?.download) {
      fail(adapter ? 'This network cannot download files.' : this.deps.whyNoAdapter(message.accountId));
      this.deps.onChanged(a.messageId);
      return;
    }
    const tmp = cache.tempPath();
    const handle = transfers.begin({ attachmentId: a.id, messageId: a.messageId, chatId: message.chatId }, 'downloading');
    try {
      await adapter.download(remoteOf({ ...a, remoteRef: a.remoteRef }), tmp, { onProgress: handle.onProgress, signal: handle.signal });
      if (handle.stopReason() !== null) throw new AttachmentError('aborted', 'Cancelled');
      const file = await cache.adopt(tmp);
      store.setDownloaded(a.id, file.hash, file.size);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      const reason = handle.stopReason();
      if (reason === 'shutdown') return; // stays 'downloading': resumed on the next start
      if (reason === 'cancelled') {
        store.updateTransfer(a.id, { state: 'cancelled', error: null });
      } else {
        const text = err instanceof AttachmentError ? err.message : `Could not download “${a.name}”: ${err instanceof Error ? err.message : String(err)}`;
        fail(text);
      }
    } finally {
      handle.end();
    }
    this.deps.onChanged(a.messageId);
  }
}
