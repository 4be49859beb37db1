// The core's media: the cache, the transfers moving now, the outbox's upload step, the download
// queue, auto-download, staging for the doors, and saving. The service owns one Media; the request
// handlers are in mediaHandlers.ts, the doors' HTTP side in mediaRoutes.ts.

import { utimes } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Logger, ProtocolAdapter } from '../../protocols/adapter';
import type { CoreEvent, MessageView, StagedFile } from '../api/contract';
import type { AttachmentRow, Store } from '../store/types';
import { MediaCache, TooLargeError } from './mediaCache';
import { Downloads } from './mediaDownloads';
import { SaveError, saveAs, saveInto } from './mediaSave';
import { Uploads } from './mediaUploads';
import { formatSize } from './mediaWords';
import type { MessageViews } from './messageViews';
import { ServiceError } from './serviceError';
import { LiveTransfers } from './transfers';
import { attachmentView } from './views';

export const AUTO_DOWNLOAD_SETTING = 'media.autoDownloadMaxBytes';
export const DEFAULT_AUTO_DOWNLOAD_BYTES = 16 * 1024 * 1024;
/** Nothing bigger is staged: the renderer's bytes stop being read past it. */
export const STAGE_CAP_BYTES = 2 * 1024 * 1024 * 1024;
/** A staged file no message uses is removed on a start this long after it was staged. */
const UNUSED_STAGED_TTL_MS = 24 * 3600 * 1000;

export interface MediaDeps {
  store: Store;
  dataDir: string;
  log: Logger;
  adapterFor(accountId: string): ProtocolAdapter | undefined;
  whyNoAdapter(accountId: string): string;
  emit(event: CoreEvent): void;
  views: MessageViews;
  /** Tests lower it; STAGE_CAP_BYTES otherwise. */
  stageCapBytes?: number;
}

/** What a door needs to serve an attachment's bytes. */
export interface MediaFile {
  path: string;
  size: number;
  mime: string;
  /** The sender's name, unsanitised: the door sanitises it for Content-Disposition. */
  name: string;
  contentHash: string;
}

export class Media {
  readonly cache: MediaCache;
  readonly transfers: LiveTransfers;
  readonly uploads: Uploads;
  readonly downloads: Downloads;
  private readonly stageCap: number;

  constructor(private readonly deps: MediaDeps) {
    this.cache = new MediaCache(deps.dataDir);
    this.stageCap = deps.stageCapBytes ?? STAGE_CAP_BYTES;
    this.transfers = new LiveTransfers((event) => deps.emit(event));
    const onChanged = (messageId: number) => this.changed(messageId);
    this.uploads = new Uploads({ store: deps.store, cache: this.cache, transfers: this.transfers, log: deps.log, onChanged });
    this.downloads = new Downloads({
      store: deps.store,
      cache: this.cache,
      transfers: this.transfers,
      log: deps.log,
      adapterFor: deps.adapterFor,
      whyNoAdapter: deps.whyNoAdapter,
      onChanged,
    });
  }

  /** Pushes a message whose attachments changed state: the whole message, and each transfer. */
  changed(messageId: number): void {
    const row = this.deps.store.getMessage(messageId);
    if (!row) return;
    const view = this.deps.views.one(row);
    this.deps.emit({ type: 'messageUpdated', message: view });
    for (const a of view.attachments) {
      this.transfers.send({ attachmentId: a.id, messageId, chatId: row.chatId }, a.transfer);
    }
  }

  autoDownloadMaxBytes(): number {
    const stored = Number(this.deps.store.getSetting(AUTO_DOWNLOAD_SETTING));
    return this.deps.store.getSetting(AUTO_DOWNLOAD_SETTING) !== undefined && Number.isSafeInteger(stored) && stored >= 0
      ? stored
      : DEFAULT_AUTO_DOWNLOAD_BYTES;
  }

  setAutoDownloadMaxBytes(maxBytes: number): void {
    this.deps.store.setSetting(AUTO_DOWNLOAD_SETTING, String(maxBytes));
  }

  /**
   * A message was stored: images and voice messages up to the user's size are fetched without a
   * click — never for a message request the user has not accepted (fetching tells the sender's
   * server that the user looked). A file whose sender named no size (0, "unknown") waits for a
   * click too: it could be of any size, and the user's bound would not hold.
   */
  noticeStored(view: MessageView): void {
    if (view.attachments.length === 0) return;
    const max = this.autoDownloadMaxBytes();
    if (max === 0) return;
    const wanted = view.attachments.filter(
      (a) => !a.available && a.transfer.state === 'pending' && (a.kind === 'image' || a.kind === 'voice') && a.size > 0 && a.size <= max,
    );
    if (wanted.length === 0) return;
    if (this.deps.store.getChat(view.chatId)?.requestState !== 'accepted') return;
    for (const a of wanted) this.downloads.request(a.id);
  }

  /** After the accounts are loaded: resumes interrupted downloads, drops old unused staged files. */
  start(): void {
    for (const a of this.deps.store.takeInterruptedTransfers()) this.downloads.request(a.id);
    setTimeout(() => void this.removeUnusedStaged().catch((err: unknown) => {
      this.deps.log.warn('media cache clean-up failed', { error: err instanceof Error ? err.message : String(err) });
    }), 1_000).unref();
  }

  /** Removes staged files that no message uses and that were staged more than a day ago. */
  async removeUnusedStaged(): Promise<void> {
    const cutoff = Date.now() - UNUSED_STAGED_TTL_MS;
    for (const { hash, mtimeMs } of this.cache.list()) {
      if (mtimeMs < cutoff && !this.deps.store.isContentUsed(hash)) await this.cache.remove(hash);
    }
  }

  /** Aborts what moves (uploads stay queued, downloads resume on the next start) and waits for it. */
  async stop(): Promise<void> {
    this.uploads.stop();
    this.transfers.stopAll();
    await this.downloads.stop();
  }

  /**
   * Streams a file from a door into the cache; its hash is the stagedId sendAttachments takes.
   * `declaredLength` (Content-Length) refuses an oversized file before a byte is read.
   */
  async stage(body: Readable | AsyncIterable<Uint8Array>, declaredLength?: number): Promise<StagedFile> {
    const tooLarge = () => new ServiceError('too-large', `Files over ${formatSize(this.stageCap)} cannot be sent.`);
    if (declaredLength !== undefined && declaredLength > this.stageCap) throw tooLarge();
    try {
      const file = await this.cache.store(body, this.stageCap);
      // Staged again: it is wanted now, whatever the clean-up of unused files thought before.
      const now = new Date();
      await utimes(this.cache.pathOf(file.hash), now, now).catch(() => undefined);
      return { stagedId: file.hash, size: file.size };
    } catch (err) {
      if (err instanceof TooLargeError) throw tooLarge();
      throw err;
    }
  }

  /** The cached bytes of an attachment, or undefined when they are not here (yet). */
  fileOf(attachmentId: number): MediaFile | undefined {
    const a = this.deps.store.getAttachment(attachmentId);
    if (!a || a.contentHash === null) return undefined;
    const size = this.cache.sizeOf(a.contentHash);
    if (size === undefined) return undefined;
    return { path: this.cache.pathOf(a.contentHash), size, mime: a.mime, name: a.name, contentHash: a.contentHash };
  }

  private fileOrThrow(attachmentId: number): { file: MediaFile; row: AttachmentRow } {
    const row = this.deps.store.getAttachment(attachmentId);
    const file = this.fileOf(attachmentId);
    if (!row) throw new ServiceError('not-found', 'That file no longer exists.');
    if (!file) throw new ServiceError('not-found', `“${row.name}” is not downloaded yet.`);
    return { file, row };
  }

  /** Copies the attachment into `directory` under its sanitised name, never overwriting; returns the path. */
  async saveAttachmentTo(attachmentId: number, directory: string): Promise<string> {
    const { file } = this.fileOrThrow(attachmentId);
    try {
      return await saveInto(file.path, file.name, directory);
    } catch (err) {
      if (err instanceof SaveError) throw new ServiceError('invalid-request', err.message);
      throw err;
    }
  }

  /** Copies the attachment to the exact path the user chose in a save dialog. */
  async saveAttachmentAs(attachmentId: number, destination: string): Promise<void> {
    const { file } = this.fileOrThrow(attachmentId);
    try {
      await saveAs(file.path, destination);
    } catch (err) {
      if (err instanceof SaveError) throw new ServiceError('invalid-request', err.message);
      throw err;
    }
  }

  viewOf(attachmentId: number) {
    const row = this.deps.store.getAttachment(attachmentId);
    if (!row) throw new ServiceError('not-found', 'That file no longer exists.');
    return attachmentView(row);
  }
}
