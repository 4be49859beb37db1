// Attachments over the interop channel against a private Prosody with its XEP-0363 service: every
// kind round-trips byte-identical between two accounts; the server stores only the padded blob,
// with no run of 64 plaintext bytes; a blob changed on its way (served from elsewhere) or a pointer
// with a wrong digest fails the digest check with the user's message and leaves no file; a file over
// the limit is refused before a slot is even asked for.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import type { AttachmentKind, AttachmentMeta, IncomingMessage, RemoteAttachment } from '../adapter.js';
import { INTEGRITY_MESSAGE, blobLength, maxPlaintextFor } from './attachment-cipher.js';
import { caughtUp, device, online, type Device } from './test-harness.js';

let server: ProsodyServer;
let alice: Device;
let bob: Device;
let dir: string;
/** The upload service's max-file-size: Prosody's own default, smaller than the harness's. */
const SERVER_MAX = 10 * 1024 * 1024;

beforeAll(async () => {
  server = await startProsody({ httpUpload: true, httpUploadSizeLimit: SERVER_MAX });
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw')]);
  dir = await mkdtemp(join(tmpdir(), 'sb-interop-media-'));
  alice = device(server, 'alice', 'alice-pw');
  bob = device(server, 'bob', 'bob-pw');
  await Promise.all([online(alice), online(bob)]);
  await Promise.all([caughtUp(alice), caughtUp(bob)]);
});

afterAll(async () => {
  await Promise.all([alice, bob].map((d) => d?.adapter.disconnect()));
  await server?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Plaintext with structure, so a cipher that leaked it (or no cipher) would show: numbered text
 * lines around a stretch of random bytes.
 */
function content(label: string, size: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, length = 0; length < size; i++) {
    const line = `${label} line ${i}: the quick brown fox jumps over the lazy dog\n`;
    lines.push(line);
    length += line.length;
  }
  const bytes = Buffer.from(lines.join('')).subarray(0, size);
  randomBytes(Math.floor(size / 4)).copy(bytes, Math.floor(size / 2));
  return bytes;
}

/**
 * Whether `blob` contains any run of `run` bytes of `plain`. Every such run holds a whole plaintext
 * window of run/2 bytes starting at a multiple of run/2; windows are looked up by 30 bits of their
 * first four bytes (a small integer, so the scan over megabytes of blob stays fast), then compared
 * and extended.
 */
function sharesRun(plain: Buffer, blob: Buffer, run = 64): boolean {
  const half = run / 2;
  const windows = new Map<number, number[]>();
  for (let at = 0; at + half <= plain.length; at += half) {
    const key = plain.readUInt32LE(at) & 0x3fffffff;
    const list = windows.get(key);
    if (list) list.push(at);
    else windows.set(key, [at]);
  }
  for (let i = 0; i + half <= blob.length; i++) {
    const found = windows.get(blob.readUInt32LE(i) & 0x3fffffff);
    if (!found) continue;
    for (const at of found) {
      let left = 0;
      while (left < at && left < i && plain[at - left - 1] === blob[i - left - 1]) left++;
      let right = 0;
      while (at + right < plain.length && i + right < blob.length && plain[at + right] === blob[i + right]) right++;
      if (left + right >= run) return true;
    }
  }
  return false;
}

async function fetchRaw(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => ((res.statusCode ?? 0) === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`GET ${url}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Every file under Prosody's upload component, with its size: what the server stores. */
async function uploadStore(): Promise<Map<string, number>> {
  const root = join(server.dir, 'data', 'upload%2elocalhost');
  const out = new Map<string, number>();
  const walk = async (d: string): Promise<void> => {
    if (!existsSync(d)) return;
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(path, (await stat(path)).size);
    }
  };
  await walk(root);
  return out;
}

let sent = 0;
/** Alice uploads and sends one file; bob's device receives the message. */
async function sendFile(kind: AttachmentKind, plaintext: Buffer, meta: Omit<AttachmentMeta, 'kind' | 'size'>, caption = ''): Promise<{ remote: RemoteAttachment; received: IncomingMessage }> {
  const path = join(dir, `send-${sent}`);
  await writeFile(path, plaintext);
  const progress: number[] = [];
  const remote = await alice.adapter.upload(path, { kind, size: plaintext.length, ...meta }, { onProgress: (n, total) => { expect(total).toBe(plaintext.length); progress.push(n); } });
  expect(progress.at(-1), 'upload progress ends at the plaintext size').toBe(plaintext.length);
  const clientId = `media-${sent++}`;
  await alice.adapter.send('bob@localhost', { clientId, body: caption, attachments: [remote] });
  const got = await bob.events.waitFor(`bob to get ${clientId}`, (e) => e.type === 'message' && e.message.networkId === `alice@localhost/${clientId}`, 10_000);
  if (got.type !== 'message') throw new Error('unreachable');
  return { remote, received: got.message };
}

describe('interop attachments against Prosody', () => {
  it('publishes the server limit minus the cipher overhead once connected', () => {
    const limit = maxPlaintextFor(SERVER_MAX);
    expect(alice.adapter.info.capabilities.attachmentLimits).toEqual({ image: limit, voice: limit, video: limit, file: limit });
    expect(blobLength(limit)).toBeLessThanOrEqual(SERVER_MAX);
  });

  it.each([
    ['image', content('image', 200_000), { mime: 'image/png', name: 'photo.png', width: 640, height: 480, thumbnail: randomBytes(3000).toString('base64') }, 'look at this'],
    ['voice', content('voice', 48_000), { mime: 'audio/webm;codecs=opus', name: 'voice.webm', durationMs: 3200, waveform: Array.from({ length: 64 }, (_, i) => (i * 4) % 256) }, ''],
    ['video', content('video', 3 * 1024 * 1024 + 5), { mime: 'video/mp4', name: 'clip.mp4', width: 1280, height: 720, durationMs: 4000, thumbnail: randomBytes(9000).toString('base64') }, ''],
    ['file', content('file', 777_777), { mime: 'application/pdf', name: 'report.pdf' }, 'the report'],
  ] as const)('round-trips a %s byte-identical, metadata and caption with it', async (kind, plaintext, meta, caption) => {
    const { remote, received } = await sendFile(kind, plaintext, meta, caption);
    expect(received.body).toBe(caption);
    expect(received.attachments).toHaveLength(1);
    const att = received.attachments?.[0];
    if (!att) throw new Error('no attachment');
    expect(att).toEqual({ kind, size: plaintext.length, ...meta, ref: expect.any(String) });

    const out = join(dir, `${kind}-received`);
    const progress: number[] = [];
    await bob.adapter.download(att, out, { onProgress: (n) => progress.push(n) });
    expect((await readFile(out)).equals(plaintext), `the ${kind} came back byte-identical`).toBe(true);
    expect(progress.at(-1)).toBe(plaintext.length);

    // What the server holds: the padded blob, no plaintext in it.
    const { url } = JSON.parse(remote.ref) as { url: string };
    const blob = await fetchRaw(url);
    expect(blob.length).toBe(blobLength(plaintext.length));
    expect(sharesRun(plaintext, blob), 'the stored blob contains a 64-byte run of the plaintext').toBe(false);
    // The same check on the file in Prosody's data directory, not only on what it serves.
    const stored = [...(await uploadStore())].filter(([, size]) => size === blob.length);
    expect(stored.length, 'the blob is on the server\'s disk').toBeGreaterThan(0);
    for (const [path] of stored) expect(sharesRun(plaintext, await readFile(path))).toBe(false);
    // The URL names nothing of the file.
    expect(url).not.toContain(meta.name.split('.')[0]);
  });

  it('checks its own run finder: a blob that is the plaintext is caught', () => {
    const plaintext = content('probe', 5000);
    expect(sharesRun(plaintext, Buffer.concat([randomBytes(7), plaintext.subarray(1000, 1064), randomBytes(9)]))).toBe(true);
    expect(sharesRun(plaintext, Buffer.concat([randomBytes(7), plaintext.subarray(1000, 1063), randomBytes(9)]))).toBe(false);
    expect(sharesRun(plaintext, Buffer.concat([plaintext.subarray(0, 64)]))).toBe(true);
    expect(sharesRun(plaintext, Buffer.concat([plaintext.subarray(5000 - 64)]))).toBe(true);
  });

  describe('tampering', () => {
    let tamperServer: Server;
    let tamperBase: string;
    const served = new Map<string, Buffer>();

    beforeAll(async () => {
      tamperServer = createServer((req, res) => {
        const body = served.get(req.url ?? '');
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'Content-Length': String(body.length) }).end(body);
      });
      await new Promise<void>((resolve) => tamperServer.listen(0, '127.0.0.1', resolve));
      tamperBase = `http://127.0.0.1:${(tamperServer.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => tamperServer?.close(resolve));
    });

    async function expectRefused(att: RemoteAttachment, name: string, reason: RegExp): Promise<void> {
      const out = join(dir, name);
      const err = await bob.adapter.download(att, out).then(() => null, (e: unknown) => e);
      expect(err, 'the download fails').toMatchObject({ name: 'AttachmentError', code: 'integrity', message: INTEGRITY_MESSAGE });
      expect((err as Error).cause).toMatch(reason);
      expect(existsSync(out), 'no file was saved').toBe(false);
      expect(existsSync(`${out}.part`), 'no part file was left').toBe(false);
    }

    it('refuses a blob changed after sending (one byte, served from elsewhere)', async () => {
      const plaintext = content('tamper', 100_000);
      const path = join(dir, 'tamper-src');
      await writeFile(path, plaintext);
      const remote = await alice.adapter.upload(path, { kind: 'image', mime: 'image/jpeg', size: plaintext.length, name: 'tamper.jpg' });
      const ref = JSON.parse(remote.ref) as { url: string; key: string; digest: string };
      const blob = await fetchRaw(ref.url);
      const changed = Buffer.from(blob);
      changed[50_000] = (changed[50_000] ?? 0) ^ 0x80;
      served.set('/changed', changed);
      // The pointer goes through the channel as a sender would write it; only the URL leads elsewhere.
      const moved = { ...remote, ref: JSON.stringify({ ...ref, url: `${tamperBase}/changed` }) };
      await alice.adapter.send('bob@localhost', { clientId: 'tampered-1', body: '', attachments: [moved] });
      const got = await bob.events.waitFor('tampered-1 at bob', (e) => e.type === 'message' && e.message.networkId === 'alice@localhost/tampered-1');
      const att = got.type === 'message' ? got.message.attachments?.[0] : undefined;
      if (!att) throw new Error('no attachment');
      await expectRefused(att, 'tampered-1', /digest/);

      // Longer and shorter blobs, and the right blob under a wrong digest.
      served.set('/longer', Buffer.concat([blob, Buffer.alloc(1)]));
      await expectRefused({ ...att, ref: JSON.stringify({ ...ref, url: `${tamperBase}/longer` }) }, 'tampered-2', /announced|longer|bytes/);
      served.set('/shorter', blob.subarray(0, blob.length - 1));
      await expectRefused({ ...att, ref: JSON.stringify({ ...ref, url: `${tamperBase}/shorter` }) }, 'tampered-3', /announced/);
      const wrongDigest = Buffer.from(ref.digest, 'base64');
      wrongDigest[0] = (wrongDigest[0] ?? 0) ^ 1;
      await expectRefused({ ...att, ref: JSON.stringify({ ...ref, digest: wrongDigest.toString('base64') }) }, 'tampered-4', /digest/);
      // And the untouched blob still opens.
      await bob.adapter.download({ ...att, ref: remote.ref }, join(dir, 'untampered'));
      expect((await readFile(join(dir, 'untampered'))).equals(plaintext)).toBe(true);
    });
  });

  it('does not fetch a pointer to a local or private address, only its own server’s', async () => {
    // A trap on another loopback address than the account's server (127.0.0.1).
    const hits: string[] = [];
    const trap = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('secret');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
    try {
      const path = join(dir, 'ssrf-src');
      await writeFile(path, content('ssrf', 1000));
      const remote = await alice.adapter.upload(path, { kind: 'image', mime: 'image/png', size: 1000, name: 'ssrf.png' });
      const ref = JSON.parse(remote.ref) as { url: string; key: string; digest: string };
      const trapUrl = `http://127.0.0.2:${(trap.address() as AddressInfo).port}/admin`;
      for (const [clientId, url] of [['ssrf-trap', trapUrl], ['ssrf-metadata', 'http://169.254.169.254/latest/meta-data/']] as const) {
        await alice.adapter.send('bob@localhost', { clientId, body: '', attachments: [{ ...remote, ref: JSON.stringify({ ...ref, url }) }] });
        const got = await bob.events.waitFor(`${clientId} at bob`, (e) => e.type === 'message' && e.message.networkId === `alice@localhost/${clientId}`);
        const att = got.type === 'message' ? got.message.attachments?.[0] : undefined;
        if (!att) throw new Error('no attachment');
        const out = join(dir, clientId);
        const err = await bob.adapter.download(att, out).then(() => null, (e: unknown) => e);
        expect(err).toMatchObject({ name: 'AttachmentError', code: 'http', message: 'This file is on a local or private network address, so it was not fetched.' });
        expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
      }
      expect(hits, 'the local address must not be asked for anything').toEqual([]);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });

  it('stops an upload and a download when cancelled, leaving no file', async () => {
    const plaintext = content('cancel', 4 * 1024 * 1024);
    const path = join(dir, 'cancel-src');
    await writeFile(path, plaintext);
    const up = new AbortController();
    const upErr = await alice.adapter.upload(path, { kind: 'file', mime: 'application/zip', size: plaintext.length, name: 'a.zip' }, {
      signal: up.signal, onProgress: (n) => { if (n > 0) up.abort(); },
    }).then(() => null, (e: unknown) => e);
    expect(upErr).toMatchObject({ name: 'AttachmentError', code: 'aborted' });

    const remote = await alice.adapter.upload(path, { kind: 'file', mime: 'application/zip', size: plaintext.length, name: 'a.zip' });
    const down = new AbortController();
    const out = join(dir, 'cancelled-download');
    const downErr = await bob.adapter.download(remote, out, {
      signal: down.signal, onProgress: (n) => { if (n > 0) down.abort(); },
    }).then(() => null, (e: unknown) => e);
    expect(downErr).toMatchObject({ name: 'AttachmentError', code: 'aborted' });
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
  });

  it('refuses a file over the limit before asking for a slot or sending a byte', async () => {
    const limit = maxPlaintextFor(SERVER_MAX);
    const path = join(dir, 'too-big.bin');
    await writeFile(path, '');
    await truncate(path, limit + 1); // sparse: nothing is read before the refusal anyway
    const before = await uploadStore();
    const err = await alice.adapter.upload(path, { kind: 'video', mime: 'video/mp4', size: limit + 1, name: 'big.mp4' }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttachmentError', code: 'too-large' });
    expect((err as Error).message).toMatch(/^Files on Interop can be at most .+\. This one is .+\.$/);
    // Prosody records a slot when it is asked for one: nothing changed.
    expect(await uploadStore()).toEqual(before);
  });
});
