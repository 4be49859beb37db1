// The outbox's upload step: before an own message with files goes to the network, each file the
// network does not have yet (no remote_ref) is streamed from the media cache through the adapter's
// `upload`, and its reference stored — so a restart uploads only what is still missing, and the
// message itself is sent once, with every reference, by the outbox. The outbox's chat lanes may
// ask for many uploads at once; UPLOADS_AT_ONCE of them move, the others wait (still 'pending').

import { AttachmentError, type AttachmentMeta, type Logger, type ProtocolAdapter, type RemoteAttachment } from '../../protocols/adapter';
import type { AttachmentRow, MessageRow, Store } from '../store/types';
import type { MediaCache } from './mediaCache';
import { limitMessage } from './mediaWords';
import type { LiveTransfers } from './transfers';

/**
 * An upload that must not be retried as it is: the user cancelled it, the service is stopping
 * (the message stays queued), or it can never succeed (too large, no upload service, file gone).
 */
export class UploadStopped extends Error {
  constructor(
    readonly outcome: 'cancelled' | 'shutdown' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'UploadStopped';
  }
}

export const CANCELLED = 'Cancelled';

/** Uploads moving at the same time, over all accounts and chats. */
export const UPLOADS_AT_ONCE = 2;

export interface UploadDeps {
  store: Store;
  cache: MediaCache;
  transfers: LiveTransfers;
  log: Logger;
  /** The message changed (an attachment's state): push it to the UI. */
  onChanged(messageId: number): void;
}

export function metaOf(a: AttachmentRow): AttachmentMeta {
  return {
    kind: a.kind,
    mime: a.mime,
    size: a.size,
    name: a.name,
    ...(a.width !== null ? { width: a.width } : {}),
    ...(a.height !== null ? { height: a.height } : {}),
    ...(a.durationMs !== null ? { durationMs: a.durationMs } : {}),
    ...(a.waveform !== null ? { waveform: a.waveform } : {}),
    ...(a.thumbnail !== null ? { thumbnail: a.thumbnail } : {}),
  };
}

export function remoteOf(a: AttachmentRow & { remoteRef: string }): RemoteAttachment {
  return { ...metaOf(a), ref: a.remoteRef };
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof AttachmentError && err.code === 'aborted') || (err instanceof Error && err.name === 'AbortError');
}

export class Uploads {
  private moving = 0;
  private readonly waiting: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly deps: UploadDeps) {}

  /** Shutdown: nothing new starts; uploads waiting for their turn end as 'shutdown' (their messages stay queued). */
  stop(): void {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Waits for one of the UPLOADS_AT_ONCE turns; the returned function gives it back. */
  private async turn(): Promise<() => void> {
    while (!this.stopped && this.moving >= UPLOADS_AT_ONCE) await new Promise<void>((wake) => this.waiting.push(wake));
    if (this.stopped) throw new UploadStopped('shutdown', 'Switchboard stopped before the upload; it continues on the next start.');
    this.moving += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.moving -= 1;
      this.waiting.shift()?.();
    };
  }

  /**
   * Uploads what the message's files still lack and returns them as `send` takes them. Throws
   * UploadStopped for an end that a retry cannot change; any other error may pass on a retry.
   */
  async prepare(row: MessageRow, adapter: ProtocolAdapter, networkName: string): Promise<RemoteAttachment[]> {
    const { store } = this.deps;
    const out: RemoteAttachment[] = [];
    for (const a of store.listAttachments(row.id)) {
      if (a.remoteRef !== null) {
        out.push(remoteOf({ ...a, remoteRef: a.remoteRef }));
        continue;
      }
      const remote = await this.uploadOne(row, a, adapter, networkName);
      out.push(remote);
    }
    return out;
  }

  private fail(a: AttachmentRow, message: string, outcome: 'failed' | 'cancelled' = 'failed'): never {
    this.deps.store.updateTransfer(a.id, { state: outcome, error: outcome === 'failed' ? message : null });
    this.deps.onChanged(a.messageId);
    throw new UploadStopped(outcome, message);
  }

  private async uploadOne(row: MessageRow, queued: AttachmentRow, adapter: ProtocolAdapter, networkName: string): Promise<RemoteAttachment> {
    const giveBack = await this.turn();
    try {
      // As it is now: the user may have cancelled (or cancelled and retried) while it waited.
      const a = this.deps.store.getAttachment(queued.id) ?? queued;
      if (this.deps.store.getMessage(row.id)?.status !== 'queued') throw new UploadStopped('cancelled', CANCELLED);
      return await this.uploadNow(row, a, adapter, networkName);
    } finally {
      giveBack();
    }
  }

  private async uploadNow(row: MessageRow, a: AttachmentRow, adapter: ProtocolAdapter, networkName: string): Promise<RemoteAttachment> {
    const { store, cache, transfers, log } = this.deps;
    if (a.transferState === 'cancelled') throw new UploadStopped('cancelled', CANCELLED);
    if (a.remoteRef !== null) return remoteOf({ ...a, remoteRef: a.remoteRef });
    if (!adapter.upload) this.fail(a, `${networkName} cannot send files.`);
    const path = a.contentHash !== null && cache.sizeOf(a.contentHash) !== undefined ? cache.pathOf(a.contentHash) : null;
    if (path === null) this.fail(a, `“${a.name}” is no longer on this computer, so it cannot be sent. Attach it again.`);
    // Checked again here, not only when queued: after a restart the server may allow less.
    const limit = adapter.info.capabilities.attachmentLimits?.[a.kind];
    if (limit !== undefined && a.size > limit) this.fail(a, limitMessage(a.kind, networkName, limit, a.size));

    const target = { attachmentId: a.id, messageId: row.id, chatId: row.chatId };
    const handle = transfers.begin(target, 'uploading');
    store.updateTransfer(a.id, { state: 'uploading', transferred: 0, error: null });
    this.deps.onChanged(row.id);
    try {
      const remote = await adapter.upload(path, metaOf(a), { onProgress: handle.onProgress, signal: handle.signal });
      store.setUploaded(a.id, remote.ref);
      this.deps.onChanged(row.id);
      return { ...metaOf(a), ref: remote.ref };
    } catch (err) {
      const reason = handle.stopReason();
      if (reason === 'shutdown') {
        store.updateTransfer(a.id, { state: 'pending', transferred: 0 });
        throw new UploadStopped('shutdown', 'Switchboard stopped during the upload; it continues on the next start.');
      }
      if (reason === 'cancelled' || isAbort(err, handle.signal)) this.fail(a, CANCELLED, 'cancelled');
      const message = err instanceof Error ? err.message : String(err);
      log.warn('upload failed', { messageId: row.id, attachmentId: a.id, code: err instanceof AttachmentError ? err.code : undefined, error: message });
      if (err instanceof AttachmentError && (err.code === 'too-large' || err.code === 'no-upload-service')) this.fail(a, message);
      store.updateTransfer(a.id, { state: 'failed', error: message });
      this.deps.onChanged(row.id);
      throw err;
    } finally {
      handle.end();
    }
  }
}
