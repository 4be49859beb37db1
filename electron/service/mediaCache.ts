// The profile's media cache: every file Switchboard holds (staged to send, or downloaded) lives
// once under `<profile>/media/<hh>/<sha256 hex>`, named by the SHA-256 of its bytes. The same
// photo sent twice is stored once, and a name can never be chosen by a sender.
//
// A file enters only through a temp file in `media/tmp` that is hashed while it is written and
// then renamed into place, so a crash never leaves a half-written file under a real name. Files
// are 0600 and folders 0700: other users on the machine read none of it.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { chmod, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const HASH = /^[0-9a-f]{64}$/;

/** Thrown when a stream grows past the limit it was given; nothing is kept. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than ${limit} bytes.`);
    this.name = 'TooLargeError';
  }
}

export interface CachedFile {
  /** SHA-256 of the bytes, hex. */
  hash: string;
  size: number;
}

export class MediaCache {
  readonly root: string;
  private readonly tmp: string;

  constructor(profileDir: string) {
    this.root = join(profileDir, 'media');
    this.tmp = join(this.root, 'tmp');
    mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
    // Temp files left by a crash are never finished: nothing refers to them.
    for (const name of readdirSync(this.tmp)) rmSync(join(this.tmp, name), { force: true, recursive: true });
  }

  static isHash(value: string): boolean {
    return HASH.test(value);
  }

  /** Where the file with this hash lives (whether or not it is there). */
  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new Error('Not a content hash.');
    return join(this.root, hash.slice(0, 2), hash);
  }

  /** The cached file's size, or undefined when it is not in the cache. */
  sizeOf(hash: string): number | undefined {
    if (!HASH.test(hash)) return undefined;
    try {
      const st = statSync(this.pathOf(hash));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  }

  /** A fresh path in the cache's temp folder, for an adapter to download into. */
  tempPath(): string {
    return join(this.tmp, randomBytes(12).toString('hex'));
  }

  /**
   * Streams `source` into the cache, hashing as it writes; refuses (TooLargeError) as soon as it
   * passes `maxBytes`, keeping nothing. Memory stays flat whatever the size.
   */
  async store(source: Readable | AsyncIterable<Uint8Array>, maxBytes: number): Promise<CachedFile> {
    const tmp = this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new TooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return this.settle(tmp, hash.digest('hex'), size);
  }

  /**
   * Takes a finished file (an adapter's verified download at `tmpPath`) into the cache: hashes it,
   * moves it under its hash. The temp file is gone afterwards either way.
   */
  async adopt(tmpPath: string): Promise<CachedFile> {
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of createReadStream(tmpPath)) {
        const buf = chunk as Buffer;
        size += buf.length;
        hash.update(buf);
      }
      await chmod(tmpPath, 0o600);
      return this.settle(tmpPath, hash.digest('hex'), size);
    } catch (err) {
      await rm(tmpPath, { force: true });
      throw err;
    }
  }

  /** Renames a hashed temp file into place; a file with the same hash already there is kept. */
  private async settle(tmp: string, hash: string, size: number): Promise<CachedFile> {
    const dest = this.pathOf(hash);
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true, mode: 0o700 });
    const existing = await stat(dest).catch(() => undefined);
    if (existing?.isFile() && existing.size === size) {
      await rm(tmp, { force: true });
    } else {
      renameSync(tmp, dest);
    }
    return { hash, size };
  }

  /** Deletes a cached file (a staged file nothing refers to). */
  async remove(hash: string): Promise<void> {
    if (HASH.test(hash)) await rm(this.pathOf(hash), { force: true });
  }

  /** Every hash in the cache with its last change time, for clean-up of unused staged files. */
  list(): Array<{ hash: string; mtimeMs: number }> {
    const out: Array<{ hash: string; mtimeMs: number }> = [];
    for (const dir of readdirSync(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of readdirSync(join(this.root, dir))) {
        if (!HASH.test(name)) continue;
        try {
          out.push({ hash: name, mtimeMs: statSync(join(this.root, dir, name)).mtimeMs });
        } catch {
          // Removed meanwhile.
        }
      }
    }
    return out;
  }
}
