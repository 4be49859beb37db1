// Attachment rows: written in the transaction that writes their message, read only for messages
// whose attachment_count says they have any, and updated as their bytes move (upload, download).
//
// Everything an attachment says about itself came from a sender and is clamped here before it is
// stored, whatever the adapter already checked: the UI and the media door trust these columns.
import type { Database } from 'better-sqlite3';
import type { AttachmentKind, RemoteAttachment } from '../../protocols/adapter';
import { withoutInvisible } from '../service/fileName';
import { ATTACHMENT_COLUMNS, toAttachment, type RawAttachment } from './rows';
import type { AttachmentInput, AttachmentRow, TransferState, TransferUpdate } from './types';

const KINDS: ReadonlySet<string> = new Set<AttachmentKind>(['image', 'voice', 'video', 'file']);
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HASH = /^[0-9a-f]{64}$/;
/** base64 of 16 KiB, the contract's bound on a thumbnail. */
const MAX_THUMBNAIL_CHARS = 21_848;
const MAX_NAME_CHARS = 255;
const MAX_REF_CHARS = 8_192;
const MAX_DURATION_MS = 24 * 3600 * 1000;

function intIn(v: unknown, min: number, max: number): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null;
}

/** The column values of one attachment, clamped; anything malformed becomes "unknown". */
export function clampAttachment(a: AttachmentInput | RemoteAttachment): Omit<RawAttachment, 'id' | 'message_id' | 'ordinal' | 'transfer_state' | 'transferred' | 'error' | 'played'> {
  const mime = typeof a.mime === 'string' ? a.mime.split(';')[0]?.trim().toLowerCase() ?? '' : '';
  // Shown as it is stored: no control characters, and none that hide or reorder text
  // ("inv\u202Efdp.exe" would read "invexe.pdf"). Saving sanitises it further (fileName.ts).
  const name = typeof a.name === 'string' ? Array.from(withoutInvisible(a.name)).slice(0, MAX_NAME_CHARS).join('') : '';
  const waveform = Array.isArray(a.waveform)
    ? a.waveform.slice(0, 64).map((n) => (typeof n === 'number' && Number.isFinite(n) ? Math.min(255, Math.max(0, Math.round(n))) : 0))
    : null;
  // Received files carry the adapter's `ref`; own ones get `remoteRef` once uploaded.
  const ref = 'ref' in a ? a.ref : a.remoteRef;
  return {
    kind: typeof a.kind === 'string' && KINDS.has(a.kind) ? a.kind : 'file',
    mime: MIME.test(mime) ? mime : 'application/octet-stream',
    size: typeof a.size === 'number' && Number.isSafeInteger(a.size) && a.size >= 0 ? a.size : 0,
    name: name.trim() === '' ? 'file' : name,
    width: intIn(a.width, 1, 65_535),
    height: intIn(a.height, 1, 65_535),
    duration_ms: intIn(a.durationMs, 0, MAX_DURATION_MS),
    waveform: waveform && waveform.length > 0 ? JSON.stringify(waveform) : null,
    thumbnail:
      typeof a.thumbnail === 'string' && a.thumbnail.length <= MAX_THUMBNAIL_CHARS && a.thumbnail.length > 0 && BASE64.test(a.thumbnail)
        ? a.thumbnail
        : null,
    remote_ref: typeof ref === 'string' && ref.length > 0 && ref.length <= MAX_REF_CHARS ? ref : null,
    content_hash: 'contentHash' in a && typeof a.contentHash === 'string' && HASH.test(a.contentHash) ? a.contentHash : null,
  };
}

type InsertParams = [
  number, number, string, string, number, string, number | null, number | null, number | null,
  string | null, string | null, string | null, string | null, TransferState,
];

export function attachmentQueries(db: Database) {
  const insert = db.prepare<InsertParams>(
    `INSERT INTO attachments (message_id, ordinal, kind, mime, size, name, width, height, duration_ms, waveform,
       thumbnail, remote_ref, content_hash, transfer_state)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setCount = db.prepare<[number, number]>('UPDATE messages SET attachment_count = ? WHERE id = ?');
  const ofMessage = db.prepare<[number], RawAttachment>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM attachments WHERE message_id = ? ORDER BY ordinal`,
  );
  // A page holds at most a few hundred messages: their ids travel as one JSON array, so one
  // prepared statement serves every page size.
  const ofMessages = db.prepare<[string], RawAttachment>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM attachments
     WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, ordinal`,
  );
  const get = db.prepare<[number], RawAttachment>(`SELECT ${ATTACHMENT_COLUMNS} FROM attachments WHERE id = ?`);
  const transfer = db.prepare<[TransferState, number | null, number, string | null, number], RawAttachment>(
    `UPDATE attachments SET transfer_state = ?, transferred = coalesce(?, transferred),
       error = CASE WHEN ? THEN ? ELSE error END
     WHERE id = ? RETURNING ${ATTACHMENT_COLUMNS}`,
  );
  const uploaded = db.prepare<[string, number], RawAttachment>(
    `UPDATE attachments SET remote_ref = ?, transfer_state = 'done', transferred = size, error = NULL
     WHERE id = ? RETURNING ${ATTACHMENT_COLUMNS}`,
  );
  const downloaded = db.prepare<[string, number, number, number], RawAttachment>(
    `UPDATE attachments SET content_hash = ?, size = ?, transferred = ?, transfer_state = 'done', error = NULL
     WHERE id = ? RETURNING ${ATTACHMENT_COLUMNS}`,
  );
  const played = db.prepare<[number], RawAttachment>(
    `UPDATE attachments SET played = 1 WHERE id = ? RETURNING ${ATTACHMENT_COLUMNS}`,
  );
  const interruptedDownloads = db.prepare<[], RawAttachment>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM attachments WHERE transfer_state = 'downloading' ORDER BY id`,
  );
  const resetUploads = db.prepare(
    "UPDATE attachments SET transfer_state = 'pending', transferred = 0 WHERE transfer_state = 'uploading'",
  );
  const used = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM attachments WHERE content_hash = ? LIMIT 1');

  function must(r: RawAttachment | undefined, id: number): AttachmentRow {
    if (!r) throw new Error(`Attachment ${id} does not exist (was its message removed?).`);
    return toAttachment(r);
  }

  return {
    /**
     * Stores a message's attachments and its attachment_count. Call inside the transaction that
     * inserted the message, before the chat summary reads it (the preview names the first file).
     * Received files start 'pending'; own files (with content) too, until the outbox uploads them.
     */
    insertAttachments(messageId: number, list: ReadonlyArray<AttachmentInput | RemoteAttachment>): number {
      list.forEach((a, ordinal) => {
        const c = clampAttachment(a);
        insert.run(
          messageId, ordinal, c.kind, c.mime, c.size, c.name, c.width, c.height, c.duration_ms, c.waveform,
          c.thumbnail, c.remote_ref, c.content_hash, 'pending',
        );
      });
      if (list.length > 0) setCount.run(list.length, messageId);
      return list.length;
    },

    listAttachments(messageId: number): AttachmentRow[] {
      return ofMessage.all(messageId).map(toAttachment);
    },

    attachmentsFor(messageIds: readonly number[]): Map<number, AttachmentRow[]> {
      const byMessage = new Map<number, AttachmentRow[]>();
      if (messageIds.length === 0) return byMessage;
      for (const r of ofMessages.all(JSON.stringify(messageIds))) {
        const row = toAttachment(r);
        const list = byMessage.get(row.messageId);
        if (list) list.push(row);
        else byMessage.set(row.messageId, [row]);
      }
      return byMessage;
    },

    getAttachment(id: number): AttachmentRow | undefined {
      const r = get.get(id);
      return r && toAttachment(r);
    },

    updateTransfer(id: number, u: TransferUpdate): AttachmentRow {
      const hasError = u.error !== undefined ? 1 : 0;
      return must(transfer.get(u.state, u.transferred ?? null, hasError, u.error ?? null, id), id);
    },

    setUploaded(id: number, remoteRef: string): AttachmentRow {
      return must(uploaded.get(remoteRef, id), id);
    },

    setDownloaded(id: number, contentHash: string, size: number): AttachmentRow {
      return must(downloaded.get(contentHash, size, size, id), id);
    },

    setPlayed(id: number): AttachmentRow {
      return must(played.get(id), id);
    },

    takeInterruptedTransfers: db.transaction((): AttachmentRow[] => {
      resetUploads.run();
      return interruptedDownloads.all().map(toAttachment);
    }),

    isContentUsed(contentHash: string): boolean {
      return used.get(contentHash) !== undefined;
    },
  };
}
