// Upload and download of plain XMPP attachments (XEP-0363): the file streams from disk into the
// slot's PUT, and from the GET into `destPath + '.part'`, renamed to destPath only when every byte
// count agrees. The slot and the service come from AdapterRuntime, the HTTP from http-transfer.ts;
// they are handed in so this module knows nothing of connections.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import {
  AttachmentError, type AttachmentKind, type AttachmentMeta, type RemoteAttachment, type TransferOptions,
} from '../adapter.js';
import { httpGet, httpPut, type HttpTransferOptions } from './http-transfer.js';
import { httpTarget } from './http-connect.js';
import { cleanName } from './media-stanza.js';
import { FILE_READ_CHUNK, MAX_DOWNLOAD_BYTES, formatSize, tooLargeMessage } from '../sizes.js';
import type { UploadService, UploadSlot } from './upload-service.js';

/** What the design names for a server whose upload service states no limit. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;

/** The ceiling on any download, whatever the sender announces; shared with interop (../sizes.ts). */
export { MAX_DOWNLOAD_BYTES };

const KINDS: readonly AttachmentKind[] = ['image', 'voice', 'video', 'file'];

/** The attachment limits of an account with this upload service: one number for every kind. */
export function attachmentLimitsFor(service: UploadService | null): Record<AttachmentKind, number> | null {
  if (!service) return null;
  const limit = service.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return Object.fromEntries(KINDS.map((kind) => [kind, limit])) as Record<AttachmentKind, number>;
}

export interface FileTransferDeps {
  /** The network's name in messages ("XMPP"). */
  network: string;
  /** The limits known from this connection's discovery, or null (see Capabilities.attachmentLimits). */
  limits(): Partial<Record<AttachmentKind, number>> | null;
  uploadService(): Promise<UploadService | null>;
  requestUploadSlot(file: { name: string; size: number; mime: string }): Promise<UploadSlot>;
  /** The account's CA and proxy, and its own server's hosts (which may be on a private network). */
  http: Pick<HttpTransferOptions, 'trustedCa' | 'proxy' | 'timeoutMs' | 'allowedHosts'>;
}

/**
 * Uploads the file at `path`. A file over the limit is refused with AttachmentError('too-large')
 * before a slot is asked for. The size sent is the file's own (meta.size is the caller's word).
 */
export async function uploadFile(deps: FileTransferDeps, path: string, meta: AttachmentMeta, options: TransferOptions = {}): Promise<RemoteAttachment> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new AttachmentError('aborted', 'The upload was cancelled.');
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file, so it cannot be uploaded.`);
  const size = info.size;
  // With the limits already known no request at all precedes the refusal.
  const known = deps.limits()?.[meta.kind];
  if (known !== undefined && size > known) throw new AttachmentError('too-large', tooLargeMessage(deps.network, known, size));
  const service = await deps.uploadService();
  if (!service) {
    throw new AttachmentError('no-upload-service', `This account's server has no file upload service, so files cannot be sent on ${deps.network}.`);
  }
  const limit = service.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (size > limit) throw new AttachmentError('too-large', tooLargeMessage(deps.network, limit, size));
  const mime = meta.mime || 'application/octet-stream';
  const slot = await deps.requestUploadSlot({ name: slotName(meta.name), size, mime });
  if (signal?.aborted) throw new AttachmentError('aborted', 'The upload was cancelled.');
  await httpPut(slot.putUrl, createReadStream(path, { highWaterMark: FILE_READ_CHUNK }), size, { ...slot.headers, 'Content-Type': mime }, {
    ...deps.http,
    signal,
    onProgress,
    // The slot is the own server's: its upload component may be on a private network too.
    allowedHosts: [...(deps.http.allowedHosts ?? []), service.jid],
  });
  return { ...meta, mime, size, ref: slot.getUrl };
}

/**
 * Downloads `attachment` into destPath by way of destPath + '.part'. The announced size is held to:
 * the body may be neither longer nor shorter. An unknown size (0) is bounded by the larger of the
 * account's limit and DEFAULT_MAX_FILE_SIZE. On any failure the part is deleted and an
 * AttachmentError thrown; destPath is only ever the complete file.
 */
export async function downloadFile(deps: FileTransferDeps, attachment: RemoteAttachment, destPath: string, options: TransferOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  httpTarget(attachment.ref);
  if (attachment.size > MAX_DOWNLOAD_BYTES) {
    throw new AttachmentError('too-large', `This file is said to be ${formatSize(attachment.size)}; Switchboard downloads files of at most ${formatSize(MAX_DOWNLOAD_BYTES)}.`);
  }
  const expected = attachment.size > 0 ? attachment.size : null;
  const ownLimit = Math.max(0, ...Object.values(deps.limits() ?? {}));
  const maxBytes = expected ?? Math.max(DEFAULT_MAX_FILE_SIZE, ownLimit);
  const part = `${destPath}.part`;
  try {
    const { body, length } = await httpGet(attachment.ref, maxBytes, {
      ...deps.http,
      signal,
      onProgress: (n, total) => onProgress?.(n, expected ?? total),
    });
    if (expected !== null && length !== null && length !== expected) {
      body.destroy();
      throw wrongSize(expected, length);
    }
    await pipeline(body, createWriteStream(part, { mode: 0o600 }));
    const written = (await stat(part)).size;
    if (expected !== null && written !== expected) throw wrongSize(expected, written);
    await rename(part, destPath);
  } catch (err) {
    await rm(part, { force: true });
    if (err instanceof AttachmentError) {
      throw err.code === 'too-large' && expected !== null ? wrongSize(expected, null) : err;
    }
    throw new AttachmentError('http', `The file could not be saved: ${(err as Error)?.message ?? String(err)}`);
  }
}

function wrongSize(expected: number, actual: number | null): AttachmentError {
  const got = actual === null ? `more than ${formatSize(expected)}` : `${actual.toLocaleString('en-US')} bytes`;
  return new AttachmentError('integrity', `The file on the server is not the one that was sent (${got} instead of ${expected.toLocaleString('en-US')} bytes), so it was not saved.`);
}

/** The name in the slot request: it ends up in the URL; the service refuses '/' in it. */
function slotName(name: string): string {
  const clean = cleanName(name).replace(/[/\\]/g, '_').replace(/^\.+/, '');
  return Array.from(clean).slice(0, 100).join('') || 'file';
}
