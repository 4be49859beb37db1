// The attachment cipher of the interop channel, scheme 'aes-256-gcm-padme' (PROTOCOL.md §6):
// plaintext padded with zero bytes to its padmé length, encrypted with AES-256-GCM under a fresh
// random 32-byte key and 12-byte IV; the uploaded blob is IV || ciphertext || 16-byte tag, and the
// pointer carries the SHA-256 of the whole blob.
//
// Both directions stream: a file of any size goes through in chunks of the source's size, with
// backpressure, and never sits in memory whole. Sizes are all known up front (padmé is a function of
// the plaintext size), so the sender can announce the blob's exact length before encrypting and the
// receiver can tell where the tag begins without holding anything back.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual, type DecipherGCM } from 'node:crypto';
import { once } from 'node:events';
import { open, rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AttachmentError, type TransferOptions } from '../adapter.js';
import { largestFitting, padme } from './padme.js';

export const CIPHER_SCHEME = 'aes-256-gcm-padme';
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const DIGEST_BYTES = 32;
/** What the blob adds to the padded plaintext: the IV in front, the tag behind. */
export const BLOB_OVERHEAD = IV_BYTES + TAG_BYTES;

export const INTEGRITY_MESSAGE = 'This file was changed after it was sent, so it was not saved.';

const ZEROS = Buffer.alloc(64 * 1024);

/** The exact length of the uploaded blob for a plaintext of `size` bytes. */
export function blobLength(size: number): number {
  return padme(size) + BLOB_OVERHEAD;
}

/** The largest plaintext whose blob fits an upload limit of `maxBlobBytes` (−1 when nothing fits). */
export function maxPlaintextFor(maxBlobBytes: number): number {
  return largestFitting(maxBlobBytes - BLOB_OVERHEAD);
}

/** An integrity failure: the user sees INTEGRITY_MESSAGE, the log sees `cause` (which check failed). */
export function integrityError(reason: string): AttachmentError {
  const err = new AttachmentError('integrity', INTEGRITY_MESSAGE);
  err.cause = reason;
  return err;
}

export interface EncryptedBlob {
  /** The blob, produced as it is read: pull it once (e.g. as an HTTP PUT body). */
  body: Readable;
  /** Its exact length in bytes, known before a byte is encrypted. */
  length: number;
  key: Buffer;
  /** SHA-256 of the blob; throws until `body` has been read to its end. */
  digest(): Buffer;
}

/**
 * Encrypts a plaintext of exactly `size` bytes. The body errors (and the upload with it) if the
 * source yields more or fewer: the announced length would be wrong, and the pointer would describe
 * another file than the one uploaded.
 */
export function encryptAttachment(plaintext: AsyncIterable<Uint8Array>, size: number): EncryptedBlob {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`encryptAttachment: ${size} is not a size`);
  const key = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const hash = createHash('sha256');
  let digest: Buffer | null = null;

  async function* blob(): AsyncGenerator<Buffer> {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    const out = (bytes: Buffer): Buffer => {
      hash.update(bytes);
      return bytes;
    };
    yield out(iv);
    for await (const chunk of padded(plaintext, size)) {
      const encrypted = cipher.update(chunk);
      if (encrypted.length) yield out(encrypted);
    }
    // GCM is a stream mode: final() returns nothing more, the tag is all that is left.
    yield out(Buffer.concat([cipher.final(), cipher.getAuthTag()]));
    digest = hash.digest();
  }

  return {
    body: Readable.from(blob(), { objectMode: false }),
    length: blobLength(size),
    key,
    digest(): Buffer {
      if (!digest) throw new Error('the blob digest is known only after the whole blob was read');
      return digest;
    },
  };
}

/** The plaintext, checked to be `size` bytes long, then zero bytes up to its padmé length. */
async function* padded(plaintext: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of plaintext) {
    seen += chunk.byteLength;
    if (seen > size) throw new AttachmentError('integrity', `The file grew while it was being sent (more than ${size} bytes); try again.`);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (seen !== size) throw new AttachmentError('integrity', `The file shrank while it was being sent (${seen} of ${size} bytes); try again.`);
  for (let left = padme(size) - size; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
}

/** What the pointer promises about a blob; key and digest are checked to be 32 bytes by the caller. */
export interface BlobExpectation {
  key: Uint8Array;
  digest: Uint8Array;
  /** Plaintext size; the blob must be exactly blobLength(size). */
  size: number;
}

/**
 * Hashes and decrypts a blob in one pass, writing the first `size` bytes of plaintext to
 * `destPath + '.part'`, and renames that to `destPath` only when the blob had exactly the expected
 * length, its SHA-256 equals the digest and the GCM tag verifies. Anything else rejects with
 * AttachmentError ('integrity'; 'aborted' when the signal fired) and leaves no file behind.
 * Progress counts plaintext bytes written, out of `size`.
 */
export async function decryptToFile(blob: AsyncIterable<Uint8Array>, expected: BlobExpectation, destPath: string, options: TransferOptions = {}): Promise<void> {
  const part = `${destPath}.part`;
  // 0600: a received file is the user's, not every local account's. Opened before anything can
  // fail, so a failure never races the open and leaves a .part file created after it was removed.
  const out = (await open(part, 'w', 0o600)).createWriteStream();
  try {
    await pipeline(decryptBlob(blob, expected, options), out);
    await closed(out);
    await rename(part, destPath);
  } catch (err) {
    out.destroy();
    // Windows neither renames nor deletes a file that is still open.
    await closed(out).catch(() => {});
    await rm(part, { force: true });
    if (err instanceof AttachmentError) throw err;
    if (options.signal?.aborted) throw new AttachmentError('aborted', 'The download was cancelled.');
    throw new AttachmentError('http', `The file could not be saved: ${(err as Error).message}`);
  }
}

async function closed(stream: Writable): Promise<void> {
  if (!stream.closed) await once(stream, 'close');
}

/**
 * The verified plaintext, truncated to `size`. Yields plaintext before the tag is checked (GCM
 * cannot authenticate before the end), so whatever consumes it must treat it as provisional until
 * this generator has returned: decryptToFile writes it to a .part file that a failure deletes.
 */
export async function* decryptBlob(blob: AsyncIterable<Uint8Array>, expected: BlobExpectation, options: TransferOptions = {}): AsyncGenerator<Buffer> {
  const { key, digest, size } = expected;
  if (key.byteLength !== KEY_BYTES || digest.byteLength !== DIGEST_BYTES) throw integrityError('the key or digest has the wrong length');
  const total = blobLength(size);
  const tagStart = total - TAG_BYTES;
  const hash = createHash('sha256');
  const iv = Buffer.alloc(IV_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  let decipher: DecipherGCM | null = null;
  let received = 0;
  let plain = 0;
  const throwIfAborted = (): void => {
    if (options.signal?.aborted) throw new AttachmentError('aborted', 'The download was cancelled.');
  };

  for await (const raw of blob) {
    throwIfAborted();
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const start = received;
    received += chunk.length;
    // Stop at the first byte too many: a server (or whoever answers for it) cannot make us read on.
    if (received > total) throw integrityError(`the blob is longer than ${total} bytes`);
    hash.update(chunk);
    // The blob's regions by absolute offset: IV [0, 12), ciphertext [12, total - 16), tag [total - 16, total).
    const slice = (from: number, to: number): Buffer => chunk.subarray(Math.max(from - start, 0), Math.max(Math.min(to - start, chunk.length), 0));
    if (start < IV_BYTES) slice(0, IV_BYTES).copy(iv, start);
    if (received >= IV_BYTES && !decipher) decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = slice(IV_BYTES, tagStart);
    if (ciphertext.length && decipher) {
      const plaintext = decipher.update(ciphertext);
      // Padding bytes past `size` are authenticated by the tag and then dropped: the file is `size` long.
      const keep = plaintext.subarray(0, Math.max(0, Math.min(plaintext.length, size - plain)));
      plain += plaintext.length;
      if (keep.length) {
        yield keep;
        options.onProgress?.(Math.min(plain, size), size);
      }
    }
    if (received > tagStart) slice(tagStart, total).copy(tag, Math.max(start - tagStart, 0));
  }
  throwIfAborted();
  if (received < total || !decipher) throw integrityError(`the blob is ${received} bytes, ${total} were expected`);
  // Constant time: the comparison must not tell an attacker how much of a forged digest is right.
  if (!timingSafeEqual(hash.digest(), Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength))) {
    throw integrityError('the blob does not match its digest');
  }
  decipher.setAuthTag(tag);
  try {
    decipher.final();
  } catch {
    throw integrityError('the authentication tag does not verify');
  }
  if (size === 0) options.onProgress?.(0, 0);
}
