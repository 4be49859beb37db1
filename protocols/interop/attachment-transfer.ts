// Upload and download of interop attachments (PROTOCOL.md §6): the file is encrypted while it is
// read and PUT to the account's XEP-0363 service as one blob of a length known up front; a download
// is decrypted and verified while it is read. The slot and HTTP plumbing is protocols/xmpp's
// (AdapterRuntime.requestUploadSlot, http-transfer.ts), handed in as `TransferDeps` so this module
// can be tested against a plain local HTTP server.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AttachmentError, type AccountSettings, type AttachmentKind, type AttachmentMeta, type RemoteAttachment, type TransferOptions,
} from '../adapter.js';
import { IV_BYTES, blobLength, decryptToFile, encryptAttachment, integrityError, maxPlaintextFor } from './attachment-cipher.js';
import { encodeRef, parseRef, type BlobRef } from './attachment-pointer.js';
import { coalesce } from '../coalesce.js';
import { FILE_READ_CHUNK, MAX_DOWNLOAD_BYTES, formatSize, tooLargeMessage } from '../sizes.js';
import { toB64 } from './bytes.js';

/** What the design names for a server whose upload service states no limit. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;

/** The HTTP options the transfer passes on (http-transfer.ts's HttpTransferOptions). */
export interface HttpOptions extends TransferOptions {
  trustedCa?: string;
  proxy?: AccountSettings['proxy'];
  /** The account's own server's hosts: the only ones that may be on a local or private network. */
  allowedHosts?: readonly string[];
  timeoutMs?: number;
}

export interface UploadService {
  jid: string;
  maxFileSize: number | null;
}

export interface UploadSlot {
  putUrl: string;
  getUrl: string;
  headers: Record<string, string>;
}

/** The account's upload service and an HTTP client, as protocols/xmpp provides them. */
export interface TransferDeps {
  /** The network's name in messages ("Interop"). */
  network: string;
  /** Who and where, for messages: "alice@example.org on example.org:5222". */
  account: string;
  /** The limits already known from this session, so a refusal needs no request at all. */
  limits(): Partial<Record<AttachmentKind, number>> | null;
  uploadService(): Promise<UploadService | null>;
  requestUploadSlot(file: { name: string; size: number; mime: string }): Promise<UploadSlot>;
  httpPut(url: string, body: Readable, size: number, headers: Record<string, string>, options?: HttpOptions): Promise<void>;
  httpGet(url: string, maxBytes: number, options?: HttpOptions): Promise<{ body: Readable; length: number | null }>;
  /** trustedCa and proxy of the account: the upload host is the account's server (or its gatekeeper's). */
  http: Pick<HttpOptions, 'trustedCa' | 'proxy' | 'timeoutMs' | 'allowedHosts'>;
}

const KINDS: AttachmentKind[] = ['image', 'voice', 'video', 'file'];

/** The plaintext limit per kind for a server limit: every kind is one blob, so one number for all. */
export function attachmentLimitsFor(maxFileSize: number | null): Record<AttachmentKind, number> | null {
  const limit = maxPlaintextFor(maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
  if (limit < 0) return null;
  return Object.fromEntries(KINDS.map((k) => [k, limit])) as Record<AttachmentKind, number>;
}

export class AttachmentTransfer {
  constructor(private readonly deps: TransferDeps) {}

  /**
   * Encrypts the file at `path` into a fresh blob and uploads it. Refuses a file over the limit
   * before any request for a slot or a byte of upload. Progress counts plaintext bytes.
   */
  async upload(path: string, meta: AttachmentMeta, options: TransferOptions = {}): Promise<RemoteAttachment> {
    const { signal, onProgress } = options;
    aborted(signal, 'upload');
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${path} is not a file.`);
    // The file's own size, not the caller's word for it: the blob length announced to the server
    // is computed from it, and the encryption checks the file still has it while reading.
    const size = info.size;
    const known = this.deps.limits()?.[meta.kind];
    if (known !== undefined && size > known) throw new AttachmentError('too-large', tooLargeMessage(this.deps.network, known, size));
    const service = await this.deps.uploadService();
    if (!service) {
      throw new AttachmentError('no-upload-service', `${this.deps.account} has no file upload service, so files cannot be sent on ${this.deps.network}.`);
    }
    const limit = maxPlaintextFor(service.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
    if (size > limit) throw new AttachmentError('too-large', tooLargeMessage(this.deps.network, limit, size));
    aborted(signal, 'upload');

    const length = blobLength(size);
    // A random name and a neutral type: the server learns the padded length and nothing of the file.
    const slot = await this.deps.requestUploadSlot({ name: randomUUID(), size: length, mime: 'application/octet-stream' });
    checkHttpUrl(slot.getUrl, 'The upload service gave a download address that is not http(s)');
    const file = createReadStream(path, { highWaterMark: FILE_READ_CHUNK });
    const blob = encryptAttachment(file, size);
    try {
      await this.deps.httpPut(slot.putUrl, blob.body, length, slot.headers, {
        ...this.deps.http,
        // The slot is the own server's: its upload component may be on a private network too.
        allowedHosts: [...(this.deps.http.allowedHosts ?? []), service.jid],
        ...(signal ? { signal } : {}),
        // Bytes on the wire after the IV are ciphertext of the plaintext, byte for byte, up to `size`.
        onProgress: (sent) => onProgress?.(Math.max(0, Math.min(size, sent - IV_BYTES)), size),
      });
    } finally {
      file.destroy();
      blob.body.destroy();
    }
    onProgress?.(size, size);
    return { ...meta, size, ref: encodeRef({ url: slot.getUrl, key: toB64(blob.key), digest: toB64(blob.digest()) }) };
  }

  /**
   * Downloads, verifies and decrypts into `destPath` (via `destPath.part`). Reads at most the blob
   * length the pointer implies; any other length, a digest or tag mismatch is an integrity error.
   */
  async download(attachment: RemoteAttachment, destPath: string, options: TransferOptions = {}): Promise<void> {
    const { signal } = options;
    aborted(signal, 'download');
    let ref: BlobRef;
    try {
      ref = parseRef(attachment.ref);
    } catch (err) {
      throw Object.assign(new AttachmentError('integrity', 'This attachment\'s download details are damaged, so it cannot be downloaded.'), { cause: String(err) });
    }
    const size = attachment.size;
    if (!Number.isSafeInteger(size) || size < 0) throw integrityError(`the size ${size} is not a size`);
    // parsePointer refuses such a pointer already; this holds for a ref from anywhere else too.
    if (size > MAX_DOWNLOAD_BYTES) {
      throw new AttachmentError('too-large', `This file is said to be ${formatSize(size)}; Switchboard downloads files of at most ${formatSize(MAX_DOWNLOAD_BYTES)}.`);
    }
    const length = blobLength(size);
    try {
      const { body, length: announced } = await this.deps.httpGet(ref.url, length, { ...this.deps.http, ...(signal ? { signal } : {}) });
      if (announced !== null && announced !== length) {
        body.destroy();
        throw integrityError(`the server announced ${announced} bytes, ${length} were expected`);
      }
      await decryptToFile(coalesce(body, FILE_READ_CHUNK), { key: ref.key, digest: ref.digest, size }, destPath, options);
    } catch (err) {
      // The HTTP client calls a blob past maxBytes too large; here that is a blob that is not the
      // one the pointer describes.
      if (err instanceof AttachmentError && err.code === 'too-large') throw integrityError(err.message);
      throw err;
    }
  }
}

function aborted(signal: AbortSignal | undefined, what: 'upload' | 'download'): void {
  if (signal?.aborted) throw new AttachmentError('aborted', `The ${what} was cancelled.`);
}

function checkHttpUrl(url: string, what: string): void {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new AttachmentError('http', `${what}: ${url}`);
}
