// Upload and download through the cipher against a plain local HTTP server, with a stand-in for
// the XEP-0363 slot: limits refused before any request, progress in plaintext bytes, lengths
// checked. The same paths against Prosody are in interop-media.test.ts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentMeta } from '../adapter.js';
import { INTEGRITY_MESSAGE, blobLength, maxPlaintextFor } from './attachment-cipher.js';
import { tooLargeMessage } from '../sizes.js';
import { AttachmentTransfer, attachmentLimitsFor, type TransferDeps, type UploadService } from './attachment-transfer.js';

let dir: string;
let server: Server;
let base: string;
/** What the server holds, by path; `lie` makes GET announce another length than it sends. */
const stored = new Map<string, Buffer>();
const calls: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-transfer-'));
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (req.method === 'PUT') {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        stored.set(path, Buffer.concat(parts));
        res.writeHead(201).end();
      });
      return;
    }
    const body = stored.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A minimal stand-in for http-transfer.ts: enough to move bytes, with progress and the length. */
function deps(service: UploadService | null): TransferDeps {
  return {
    network: 'Interop',
    account: 'alice@localhost on localhost:5222',
    limits: () => null,
    uploadService: async () => {
      calls.push('disco');
      return service;
    },
    requestUploadSlot: async (file) => {
      calls.push(`slot ${file.size} ${file.mime}`);
      const path = `/share/${file.name}`;
      return { putUrl: base + path, getUrl: base + path, headers: {} };
    },
    httpPut: (url, body, size, headers, options) => new Promise((resolve, reject) => {
      calls.push(`put ${size}`);
      const req = request(url, { method: 'PUT', headers: { ...headers, 'Content-Length': String(size) } }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`PUT ${res.statusCode}`))));
      });
      let sent = 0;
      body.on('data', (c: Buffer) => {
        sent += c.length;
        options?.onProgress?.(sent, size);
      });
      body.on('error', (err) => req.destroy(err));
      req.on('error', reject);
      body.pipe(req);
    }),
    httpGet: (url, _maxBytes) => new Promise((resolve, reject) => {
      calls.push('get');
      request(url, (res) => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`GET ${res.statusCode}`));
        const length = res.headers['content-length'];
        resolve({ body: res as Readable, length: length === undefined ? null : Number(length) });
      }).on('error', reject).end();
    }),
    http: {},
  };
}

const meta = (size: number): AttachmentMeta => ({ kind: 'file', mime: 'application/pdf', size, name: 'report.pdf' });

async function file(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `in-${randomBytes(4).toString('hex')}`);
  await writeFile(path, bytes);
  return path;
}

describe('attachment transfer', () => {
  it('uploads only the blob, announced at its exact length, and downloads the file back', async () => {
    calls.length = 0;
    const plaintext = randomBytes(300_000);
    const transfer = new AttachmentTransfer(deps({ jid: 'upload.localhost', maxFileSize: 1_000_000 }));
    const progress: [number, number][] = [];
    const remote = await transfer.upload(await file(plaintext), meta(999), { onProgress: (n, t) => progress.push([n, t]) });
    expect(remote).toMatchObject({ kind: 'file', mime: 'application/pdf', name: 'report.pdf', size: 300_000 });
    expect(calls).toEqual(['disco', `slot ${blobLength(300_000)} application/octet-stream`, `put ${blobLength(300_000)}`]);
    const ref = JSON.parse(remote.ref) as { url: string };
    const blob = stored.get(new URL(ref.url).pathname);
    expect(blob?.length).toBe(blobLength(300_000));
    expect(blob?.includes(plaintext.subarray(1000, 1064))).toBe(false);
    expect(progress.every(([n, t], i) => t === 300_000 && n <= t && n >= (progress[i - 1]?.[0] ?? 0))).toBe(true);
    expect(progress.at(-1)).toEqual([300_000, 300_000]);

    const out = join(dir, 'report.pdf');
    const downloaded: number[] = [];
    await transfer.download(remote, out, { onProgress: (n) => downloaded.push(n) });
    expect((await readFile(out)).equals(plaintext)).toBe(true);
    expect(downloaded.at(-1)).toBe(300_000);
  });

  it('refuses a file over the limit before asking for a slot', async () => {
    calls.length = 0;
    const max = 1_000_000;
    const limit = maxPlaintextFor(max);
    const path = join(dir, 'big.bin');
    await writeFile(path, '');
    await truncate(path, limit + 1);
    const transfer = new AttachmentTransfer(deps({ jid: 'upload.localhost', maxFileSize: max }));
    const err = await transfer.upload(path, meta(limit + 1)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'too-large', message: tooLargeMessage('Interop', limit, limit + 1) });
    expect(calls).toEqual(['disco']);
    // Exactly at the limit it fits the server's limit, blob and all.
    await truncate(path, limit);
    await transfer.upload(path, meta(limit));
    expect(calls.at(-1)).toBe(`put ${blobLength(limit)}`);
    expect(blobLength(limit)).toBeLessThanOrEqual(max);
  });

  it('says when the server has no upload service', async () => {
    const transfer = new AttachmentTransfer(deps(null));
    await expect(transfer.upload(await file(randomBytes(10)), meta(10))).rejects.toMatchObject({
      code: 'no-upload-service', message: 'alice@localhost on localhost:5222 has no file upload service, so files cannot be sent on Interop.',
    });
  });

  it('refuses a download whose server announces another length, leaving no file', async () => {
    const transfer = new AttachmentTransfer(deps({ jid: 'upload.localhost', maxFileSize: null }));
    const remote = await transfer.upload(await file(randomBytes(5000)), meta(5000));
    const out = join(dir, 'wrong-length.bin');
    // The pointer claims another bucket: the blob on the server is not what it describes.
    const err = await transfer.download({ ...remote, size: 9000 }, out).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'integrity', message: INTEGRITY_MESSAGE });
    expect((err as Error).cause).toMatch(/announced/);
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
    await expect(transfer.download({ ...remote, ref: '{"url":"ftp://x"}' }, out)).rejects.toMatchObject({ code: 'integrity' });
  });

  it('refuses a claimed size over 2 GiB before any request', async () => {
    const transfer = new AttachmentTransfer(deps({ jid: 'upload.localhost', maxFileSize: null }));
    const remote = await transfer.upload(await file(randomBytes(100)), meta(100));
    calls.length = 0;
    const out = join(dir, 'huge.bin');
    const err = await transfer.download({ ...remote, size: 2 ** 31 + 1 }, out).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'too-large', message: 'This file is said to be 2 GB; Switchboard downloads files of at most 2 GB.' });
    expect(calls, 'no request').toEqual([]);
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
  });

  it('stops at once when cancelled', async () => {
    const transfer = new AttachmentTransfer(deps({ jid: 'upload.localhost', maxFileSize: null }));
    const controller = new AbortController();
    controller.abort();
    calls.length = 0;
    await expect(transfer.upload(await file(randomBytes(10)), meta(10), { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(calls).toEqual([]);
  });

  it('publishes one plaintext limit for every kind, 100 MiB of blob when the server names none', () => {
    expect(attachmentLimitsFor(null)).toEqual({ image: maxPlaintextFor(100 * 1024 * 1024), voice: maxPlaintextFor(100 * 1024 * 1024), video: maxPlaintextFor(100 * 1024 * 1024), file: maxPlaintextFor(100 * 1024 * 1024) });
    expect(attachmentLimitsFor(10 * 1024 * 1024)?.image).toBe(10_223_616);
    expect(attachmentLimitsFor(10)).toBeNull();
  });

  it('names the limit in the words of the other networks and the composer', () => {
    expect(tooLargeMessage('Interop', 10_223_616, 30 * 1024 * 1024)).toBe('Files on Interop can be at most 9.8 MB. This one is 30 MB.');
  });
});
