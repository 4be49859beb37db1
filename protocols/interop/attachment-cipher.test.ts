// The attachment cipher alone: padmé sizes, round trips across sizes and chunkings, every kind of
// tampering, and flat memory for a 50 MB file.
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentError } from '../adapter.js';
import {
  BLOB_OVERHEAD, INTEGRITY_MESSAGE, blobLength, decryptToFile, encryptAttachment, maxPlaintextFor, type BlobExpectation,
} from './attachment-cipher.js';
import { largestFitting, padme } from './padme.js';

let dir: string;
let counter = 0;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sb-cipher-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
const dest = (): string => join(dir, `out-${counter++}.bin`);

/** `bytes` cut into pieces of the given sizes, cycled (1-byte pieces stress every boundary). */
async function* pieces(bytes: Uint8Array, sizes: number[] = [65_536]): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let at = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function encrypt(plaintext: Uint8Array, sizes?: number[]): Promise<{ blob: Buffer; expected: BlobExpectation }> {
  const encrypted = encryptAttachment(pieces(plaintext, sizes), plaintext.length);
  const blob = await collect(encrypted.body);
  expect(blob.length).toBe(encrypted.length);
  return { blob, expected: { key: encrypted.key, digest: encrypted.digest(), size: plaintext.length } };
}

/** The collector, which vitest does not expose: the flag can be set at run time, and a fresh context then has `gc`. */
const collectGarbage = ((): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Rejects with the integrity error, and neither the file nor its .part exists afterwards. */
async function refused(blob: AsyncIterable<Uint8Array> | Uint8Array, expected: BlobExpectation): Promise<AttachmentError> {
  const path = dest();
  const source = blob instanceof Uint8Array ? pieces(blob, [1000]) : blob;
  const err = await decryptToFile(source, expected, path).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AttachmentError);
  expect(existsSync(path), 'no file at destPath').toBe(false);
  expect(existsSync(`${path}.part`), 'no .part left').toBe(false);
  return err as AttachmentError;
}

describe('padmé', () => {
  it('pads to the published buckets', () => {
    expect([0, 1, 2, 3, 7, 8, 9, 129, 1000, 65_537].map(padme)).toEqual([0, 1, 2, 3, 7, 8, 10, 144, 1024, 67_584]);
    expect(padme(10 * 1024 * 1024)).toBe(10 * 1024 * 1024);
    expect(padme(10 * 1024 * 1024 + 1)).toBe(10 * 1024 * 1024 + 262_144);
    // Past 2^32, where 32-bit bit operations would wrap.
    expect(padme(2 ** 33 + 1)).toBe(2 ** 33 + 2 ** 27);
  });

  it('is monotonic, idempotent and costs at most 12%', () => {
    let previous = 0;
    const broken: number[] = [];
    for (let n = 0; n < 300_000; n++) {
      const p = padme(n);
      if (p < n || p < previous || padme(p) !== p || (n > 0 && (p - n) / n >= 0.12)) broken.push(n);
      previous = p;
    }
    expect(broken, 'lengths where padmé breaks a property').toEqual([]);
  });

  it('finds the largest plaintext that fits a limit', () => {
    const wrong: number[] = [];
    let best = -1;
    for (let max = 0; max < 20_000; max++) {
      // The brute-force answer: the largest n with padme(n) <= max grows with max.
      while (padme(best + 1) <= max) best++;
      if (largestFitting(max) !== best) wrong.push(max);
    }
    expect(wrong, 'limits where largestFitting is not the brute-force answer').toEqual([]);
    const tenMiB = 10 * 1024 * 1024;
    const limit = maxPlaintextFor(tenMiB);
    expect(blobLength(limit)).toBeLessThanOrEqual(tenMiB);
    expect(blobLength(limit + 1)).toBeGreaterThan(tenMiB);
    expect(maxPlaintextFor(BLOB_OVERHEAD)).toBe(0);
    expect(maxPlaintextFor(BLOB_OVERHEAD - 1)).toBe(-1);
  });
});

describe('attachment cipher', () => {
  it('round-trips across sizes: 0, 1, bucket edges and a few MB', async () => {
    const sizes = [0, 1, 2, 11, 12, 13, 16, 17, 127, 128, 129, 1023, 1024, 1025, 65_535, 65_536, 65_537, 3 * 1024 * 1024 + 77];
    for (const size of sizes) {
      const plaintext = randomBytes(size);
      const { blob, expected } = await encrypt(plaintext, [4096, 1, 70_000]);
      expect(blob.length, `blob of ${size}`).toBe(padme(size) + BLOB_OVERHEAD);
      const path = dest();
      const progress: number[] = [];
      await decryptToFile(pieces(blob, [7, 65_536, 1]), expected, path, { onProgress: (n, total) => { expect(total).toBe(size); progress.push(n); } });
      const back = await readFile(path);
      expect(back.equals(plaintext), `plaintext of ${size} bytes back`).toBe(true);
      expect(progress.at(-1)).toBe(size);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(existsSync(`${path}.part`)).toBe(false);
    }
  });

  it('lays the blob out as IV || AES-256-GCM(plaintext || zeros) || tag, hashed whole', async () => {
    const plaintext = randomBytes(1000);
    const { blob, expected } = await encrypt(plaintext);
    expect(sha256(blob).equals(Buffer.from(expected.digest))).toBe(true);
    const decipher = createDecipheriv('aes-256-gcm', expected.key, blob.subarray(0, 12), { authTagLength: 16 });
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    const padded = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
    expect(padded.length).toBe(1024);
    expect(padded.subarray(0, 1000).equals(plaintext)).toBe(true);
    expect(padded.subarray(1000).every((b) => b === 0)).toBe(true);
  });

  it('uses a fresh key and IV every time', async () => {
    const plaintext = Buffer.alloc(500, 1);
    const a = await encrypt(plaintext);
    const b = await encrypt(plaintext);
    expect(Buffer.from(a.expected.key).equals(Buffer.from(b.expected.key))).toBe(false);
    expect(a.blob.subarray(0, 12).equals(b.blob.subarray(0, 12))).toBe(false);
    expect(a.blob.equals(b.blob)).toBe(false);
  });

  it('refuses a blob with any byte changed: IV, ciphertext, padding or tag', async () => {
    const plaintext = randomBytes(1000); // padded to 1024: bytes 1012..1035 of the blob are encrypted padding
    const { blob, expected } = await encrypt(plaintext);
    for (const at of [0, 11, 12, 500, 1011, 1012, 1035, 1036, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      const byDigest = await refused(tampered, expected);
      expect(byDigest.code).toBe('integrity');
      expect(byDigest.message).toBe(INTEGRITY_MESSAGE);
      expect(byDigest.cause).toMatch(/digest/);
      // Someone who could also change the pointer's digest is still stopped by the tag.
      const byTag = await refused(tampered, { ...expected, digest: sha256(tampered) });
      expect(byTag.cause, `byte ${at}`).toMatch(/tag/);
    }
  });

  it('refuses the wrong key, a truncated blob, extra bytes and a wrong size', async () => {
    const plaintext = randomBytes(5000);
    const { blob, expected } = await encrypt(plaintext);
    expect((await refused(blob, { ...expected, key: randomBytes(32) })).cause).toMatch(/tag/);
    expect((await refused(blob.subarray(0, blob.length - 1), expected)).cause).toMatch(/bytes, \d+ were expected/);
    expect((await refused(blob.subarray(0, 5), expected)).cause).toMatch(/were expected/);
    expect((await refused(new Uint8Array(0), expected)).cause).toMatch(/were expected/);
    expect((await refused(Buffer.concat([blob, Buffer.alloc(1)]), expected)).cause).toMatch(/longer/);
    // A size that pads to another length makes another blob length.
    expect((await refused(blob, { ...expected, size: 6000 })).cause).toMatch(/were expected/);
    // A size in the same bucket: the length fits, but the plaintext would be cut or padded differently.
    const sameBucket = { ...expected, size: 4999 };
    expect(blobLength(4999)).toBe(blob.length);
    expect(sameBucket.size).not.toBe(plaintext.length);
    // The tag covers the padding, not the size: a sender's own lie here only shortens its own file.
    // That is all a pointer's size can do, and the pointer is authenticated by the Signal envelope.
    const path = dest();
    await decryptToFile(pieces(blob), sameBucket, path);
    expect((await readFile(path)).equals(plaintext.subarray(0, 4999))).toBe(true);
    expect((await refused(blob, { ...expected, digest: randomBytes(32) })).cause).toMatch(/digest/);
    expect((await refused(blob, { ...expected, key: randomBytes(16) })).cause).toMatch(/wrong length/);
  });

  it('stops reading at the first byte past the expected length', async () => {
    const { blob, expected } = await encrypt(randomBytes(100));
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield blob;
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024);
      }
    }
    expect((await refused(endless(), expected)).cause).toMatch(/longer/);
    expect(pulled).toBe(1);
  });

  it('stops on abort with an aborted error and no file', async () => {
    const { blob, expected } = await encrypt(randomBytes(200_000));
    const controller = new AbortController();
    const path = dest();
    const err = await decryptToFile(pieces(blob, [10_000]), expected, path, {
      signal: controller.signal,
      onProgress: (n) => { if (n > 50_000) controller.abort(); },
    }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'aborted' });
    expect(existsSync(path) || existsSync(`${path}.part`)).toBe(false);
  });

  it('refuses to encrypt a source that is not the announced size', async () => {
    await expect(collect(encryptAttachment(pieces(randomBytes(10)), 11).body)).rejects.toThrow(/shrank/);
    await expect(collect(encryptAttachment(pieces(randomBytes(12)), 11).body)).rejects.toThrow(/grew/);
    expect(() => encryptAttachment(pieces(randomBytes(1)), -1)).toThrow(RangeError);
    expect(() => encryptAttachment(pieces(randomBytes(1)), 1).digest()).toThrow(/only after/);
  });

  it('keeps live memory flat: 50 MB encrypted to a file, then decrypted from it', async () => {
    const size = 50 * 1024 * 1024;
    const block = randomBytes(64 * 1024);
    const plainHash = createHash('sha256');
    // Live memory after a full collection: garbage waiting for the collector is not what the file
    // would hold if it were buffered, and how much of it piles up depends on the collector's mood.
    const used = (): number => {
      collectGarbage();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    /**
     * How much live memory grows while the stream flows, from its first 4 MB to its end: the
     * pipeline's fixed cost (buffers, cipher state, the test runner's own) is not growth.
     */
    const growth = { start: 0, peak: 0 };
    const sample = <T>(source: AsyncIterable<T>): AsyncGenerator<T> => (async function* () {
      let n = 0;
      for await (const chunk of source) {
        if (++n % 64 === 0) {
          const now = used();
          if (n === 64) Object.assign(growth, { start: now, peak: now });
          growth.peak = Math.max(growth.peak, now);
        }
        yield chunk;
      }
    })();
    async function* plaintext(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < size; at += block.length) {
        // A new buffer per chunk, as a file stream gives: garbage must not pile up either.
        const chunk = Buffer.from(block);
        chunk.writeUInt32LE(at, 0);
        plainHash.update(chunk);
        yield chunk;
      }
    }
    const blobPath = dest();
    const outPath = dest();
    const started = Date.now();
    const encrypted = encryptAttachment(plaintext(), size);
    await pipeline(sample(encrypted.body), createWriteStream(blobPath));
    const encryptGrowth = growth.peak - growth.start;
    await decryptToFile(sample(createReadStream(blobPath)), { key: encrypted.key, digest: encrypted.digest(), size }, outPath);
    const decryptGrowth = growth.peak - growth.start;
    console.log(`50 MB: encrypt to file + decrypt to file ${Date.now() - started} ms (with a full GC every 4 MB); ` +
      `live memory grew ${(encryptGrowth / 1e6).toFixed(1)} MB encrypting, ${(decryptGrowth / 1e6).toFixed(1)} MB decrypting`);
    // Buffering the file would grow it by ~46 MB.
    expect(encryptGrowth, 'live memory growth while encrypting 50 MB').toBeLessThan(16 * 1024 * 1024);
    expect(decryptGrowth, 'live memory growth while decrypting 50 MB').toBeLessThan(16 * 1024 * 1024);
    expect((await stat(blobPath)).size).toBe(blobLength(size));
    const outHash = createHash('sha256');
    await pipeline(createReadStream(outPath), outHash);
    expect(outHash.digest().equals(plainHash.digest())).toBe(true);
  }, 60_000);

  it('leaves only the finished file in the folder', async () => {
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.part'))).toEqual([]);
  });
});

