// The attachment pointer (PROTOCOL.md §5 and §6): what the envelope says about an uploaded file, and
// its two local forms, the RemoteAttachment the service stores and the ref inside it (JSON
// {url, key, digest}, read back only by this adapter). Every pointer is checked by one schema,
// whether it arrived from a peer or is about to be sent, so nothing leaves that a peer would refuse.
import type { AttachmentKind, RemoteAttachment } from '../adapter.js';
import { MAX_DOWNLOAD_BYTES } from '../sizes.js';
import { CIPHER_SCHEME, DIGEST_BYTES, KEY_BYTES } from './attachment-cipher.js';
import { fromB64 } from './bytes.js';
import { b64, fail, int, isRecord, rec, str } from './schema.js';

export const MAX_WAVEFORM = 64;
export const MAX_THUMBNAIL_BYTES = 16 * 1024;
const MAX_URL = 2048;

export interface AttachmentPointer {
  kind: AttachmentKind;
  /** Where the blob is: an http(s) URL from the sender's XEP-0363 service. */
  url: string;
  mime: string;
  /** Plaintext size in bytes, at most MAX_DOWNLOAD_BYTES (2 GiB); the blob is exactly blobLength(size). */
  size: number;
  /** How the blob is encrypted; this version knows only 'aes-256-gcm-padme'. */
  cipher: typeof CIPHER_SCHEME;
  /** The AES-256 key, base64 of 32 bytes. */
  key: string;
  /** SHA-256 of the whole blob (IV || ciphertext || tag), base64 of 32 bytes. */
  digest: string;
  name?: string;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Voice: up to 64 loudness samples, 0-255. */
  waveform?: number[];
  /** Image and video: a JPEG preview, base64 of at most 16 KiB. */
  thumbnail?: string;
}

/** What a ref names: the blob and the secrets to open it. */
export interface BlobRef {
  url: string;
  key: Uint8Array;
  digest: Uint8Array;
}

const KINDS: readonly string[] = ['image', 'voice', 'video', 'file'] satisfies AttachmentKind[];

/** Checks a pointer from the wire; throws `envelope: attachment.<field>` for the first bad field. */
export function parsePointer(value: unknown): AttachmentPointer {
  const a = rec(value, 'attachment');
  if (typeof a.kind !== 'string' || !KINDS.includes(a.kind)) fail('attachment.kind');
  // A newer scheme is refused, not guessed at: the receiver could only fail to open the blob later.
  if (a.cipher !== CIPHER_SCHEME) fail('attachment.cipher');
  const out: AttachmentPointer = {
    kind: a.kind as AttachmentKind,
    url: httpUrl(a.url),
    mime: str(a.mime, 'attachment.mime', 255),
    // The download reads the blob this size implies: without a ceiling a pointer could make the
    // receiver read (and write to disk) up to 2^53 bytes. The same 2 GiB ceiling as XMPP's.
    size: int(a.size, 'attachment.size', MAX_DOWNLOAD_BYTES),
    cipher: CIPHER_SCHEME,
    key: b64(a.key, 'attachment.key', KEY_BYTES, KEY_BYTES),
    digest: b64(a.digest, 'attachment.digest', DIGEST_BYTES, DIGEST_BYTES),
  };
  if (a.name !== undefined) out.name = str(a.name, 'attachment.name', 255);
  if (a.width !== undefined) out.width = int(a.width, 'attachment.width', 1_000_000);
  if (a.height !== undefined) out.height = int(a.height, 'attachment.height', 1_000_000);
  if (a.durationMs !== undefined) out.durationMs = int(a.durationMs, 'attachment.durationMs');
  if (a.waveform !== undefined) {
    if (!Array.isArray(a.waveform) || a.waveform.length > MAX_WAVEFORM) fail('attachment.waveform');
    out.waveform = a.waveform.map((v) => int(v, 'attachment.waveform', 255));
  }
  if (a.thumbnail !== undefined) out.thumbnail = b64(a.thumbnail, 'attachment.thumbnail', 0, MAX_THUMBNAIL_BYTES);
  return out;
}

function httpUrl(value: unknown): string {
  const url = str(value, 'attachment.url', MAX_URL);
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    fail('attachment.url');
  }
  if (protocol !== 'http:' && protocol !== 'https:') fail('attachment.url');
  return url;
}

export function encodeRef(ref: { url: string; key: string; digest: string }): string {
  return JSON.stringify({ url: ref.url, key: ref.key, digest: ref.digest });
}

/** Reads a ref this adapter made; throws an Error when it is not one (e.g. another network's). */
export function parseRef(ref: string): BlobRef {
  let raw: unknown;
  try {
    raw = JSON.parse(ref);
  } catch {
    throw new Error('not an interop attachment reference');
  }
  if (!isRecord(raw)) throw new Error('not an interop attachment reference');
  return {
    url: httpUrl(raw.url),
    key: fromB64(b64(raw.key, 'attachment.key', KEY_BYTES, KEY_BYTES)),
    digest: fromB64(b64(raw.digest, 'attachment.digest', DIGEST_BYTES, DIGEST_BYTES)),
  };
}

/** The pointer to send for an attachment `upload` returned; checked as a receiver would check it. */
export function pointerFor(attachment: RemoteAttachment): AttachmentPointer {
  let ref: unknown;
  try {
    ref = JSON.parse(attachment.ref);
  } catch {
    throw new Error(`"${attachment.name}" was not uploaded by the interop adapter, so it cannot be sent here.`);
  }
  const { url, key, digest } = rec(ref, 'attachment');
  const { kind, mime, size, name, width, height, durationMs, waveform, thumbnail } = attachment;
  // Through JSON, so undefined optional fields vanish exactly as they would on the wire.
  const wire: unknown = JSON.parse(JSON.stringify({ kind, url, mime, size, cipher: CIPHER_SCHEME, key, digest, name, width, height, durationMs, waveform, thumbnail }));
  return parsePointer(wire);
}

/** What the service gets for a received pointer. */
export function remoteAttachmentOf(pointer: AttachmentPointer): RemoteAttachment {
  const { url, key, digest, cipher: _cipher, ...meta } = pointer;
  // A pointer without a name still makes a file: the service's sanitiser turns '' into "file".
  return { ...meta, name: meta.name ?? '', ref: encodeRef({ url, key, digest }) };
}
