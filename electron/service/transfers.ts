// The transfers moving right now: one AbortController each (Cancel, and shutdown), and their
// progress pushed to the UI as 'transfer' events — at most a few per second per file, because an
// upload reports every 64 KiB and a renderer re-rendering at that rate would stall.

import type { CoreEvent, TransferView } from '../api/contract';

/** Why a transfer was stopped: the user's Cancel, or the service shutting down (resumed later). */
export type StopReason = 'cancelled' | 'shutdown';

export interface TransferHandle {
  readonly signal: AbortSignal;
  onProgress(transferred: number, total: number): void;
  /** Set once the transfer was stopped on purpose; null while it runs or when it failed by itself. */
  stopReason(): StopReason | null;
  end(): void;
}

interface Live {
  controller: AbortController;
  reason: StopReason | null;
  lastEmit: number;
}

export interface TransferTarget {
  attachmentId: number;
  messageId: number;
  chatId: number;
}

export const PROGRESS_INTERVAL_MS = 250;

export class LiveTransfers {
  private readonly live = new Map<number, Live>();

  constructor(
    private readonly emit: (event: Extract<CoreEvent, { type: 'transfer' }>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  begin(target: TransferTarget, state: 'uploading' | 'downloading'): TransferHandle {
    const entry: Live = { controller: new AbortController(), reason: null, lastEmit: Number.NEGATIVE_INFINITY };
    this.live.set(target.attachmentId, entry);
    return {
      signal: entry.controller.signal,
      onProgress: (transferred, total) => {
        const t = this.now();
        // The first and the last report always go out; the ones between at most every 250 ms. An
        // unknown total (0) has no recognisable last report: every one of them is throttled.
        const last = total > 0 && transferred >= total;
        if (!last && t - entry.lastEmit < PROGRESS_INTERVAL_MS) return;
        entry.lastEmit = t;
        this.send(target, { state, transferred, total, error: null });
      },
      stopReason: () => entry.reason,
      end: () => {
        if (this.live.get(target.attachmentId) === entry) this.live.delete(target.attachmentId);
      },
    };
  }

  /** Pushes a state change (done, failed, cancelled, queued) at once. */
  send(target: TransferTarget, transfer: TransferView): void {
    this.emit({ type: 'transfer', chatId: target.chatId, messageId: target.messageId, attachmentId: target.attachmentId, transfer });
  }

  isMoving(attachmentId: number): boolean {
    return this.live.has(attachmentId);
  }

  /** The user's Cancel; false when nothing with this id is moving. */
  cancel(attachmentId: number): boolean {
    return this.stop(attachmentId, 'cancelled');
  }

  /** Stops everything for shutdown: interrupted uploads are redone and downloads resumed on start. */
  stopAll(): void {
    for (const id of [...this.live.keys()]) this.stop(id, 'shutdown');
  }

  private stop(attachmentId: number, reason: StopReason): boolean {
    const entry = this.live.get(attachmentId);
    if (!entry) return false;
    entry.reason ??= reason;
    entry.controller.abort(new Error(reason === 'cancelled' ? 'Cancelled' : 'Switchboard is shutting down'));
    return true;
  }
}
