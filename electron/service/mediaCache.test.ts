import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MediaCache, TooLargeError } from './mediaCache';
import { useProfileDirs } from './testing/serviceHarness';

const newDir = useProfileDirs('sb-cache-');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the media cache', () => {
  it('stores a stream under its SHA-256, private to the user, once', async () => {
    const cache = new MediaCache(newDir());
    const bytes = randomBytes(300_000);
    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 200_000), bytes.subarray(200_000)];
    const file = await cache.store(Readable.from(chunks), 1 << 20);
    expect(file).toEqual({ hash: sha(bytes), size: bytes.length });
    const path = cache.pathOf(file.hash);
    expect(path).toBe(join(cache.root, file.hash.slice(0, 2), file.hash));
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(cache.root, file.hash.slice(0, 2))).mode & 0o777).toBe(0o700);
    expect(await cache.store(Readable.from([bytes]), 1 << 20)).toEqual(file);
    expect(cache.list().map((f) => f.hash)).toEqual([file.hash]);
    expect(readdirSync(join(cache.root, 'tmp'))).toEqual([]);
  });

  it('stops reading past the limit and keeps nothing', async () => {
    const cache = new MediaCache(newDir());
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 64 * 1024;
        yield randomBytes(64 * 1024);
      }
    }
    await expect(cache.store(endless(), 256 * 1024)).rejects.toBeInstanceOf(TooLargeError);
    expect(produced).toBeLessThan(1024 * 1024);
    expect(cache.list()).toEqual([]);
    expect(readdirSync(join(cache.root, 'tmp'))).toEqual([]);
  });

  it('adopts a finished download, and forgets temp files a crash left', async () => {
    const dir = newDir();
    const cache = new MediaCache(dir);
    const tmp = cache.tempPath();
    writeFileSync(tmp, 'downloaded');
    const file = await cache.adopt(tmp);
    expect(file.hash).toBe(sha(Buffer.from('downloaded')));
    expect(cache.sizeOf(file.hash)).toBe(10);
    writeFileSync(cache.tempPath(), 'half');
    new MediaCache(dir);
    expect(readdirSync(join(cache.root, 'tmp'))).toEqual([]);
    expect(cache.sizeOf('0'.repeat(64))).toBeUndefined();
    expect(cache.sizeOf('../../etc/passwd')).toBeUndefined();
    expect(() => cache.pathOf('../x')).toThrow();
  });
});
