// Attachments over XMPP against a real Prosody with its XEP-0363 upload service: every kind
// round-trips byte-identical with its metadata (live, as a carbon and from the archive), the limit
// is enforced before any request, a download that does not match what was announced leaves nothing
// behind, and hostile stanzas are sanitised without harm.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import { startSocks5 } from '../../test/servers/socks5.js';
import { AttachmentError, type AdapterEvent, type AttachmentMeta, type IncomingMessage, type RemoteAttachment } from '../adapter.js';
import { XMPP_INFO } from './xmpp-adapter.js';
import { account, caughtUp, online, rawClient, until, type TestAccount } from './test-harness.js';

const LIMIT = 8 * 1024 * 1024;

let server: ProsodyServer;
let alice: TestAccount;
let alicePhone: TestAccount;
let bob: TestAccount;
let dir: string;

beforeAll(async () => {
  server = await startProsody({ httpUpload: true, httpUploadSizeLimit: LIMIT });
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw')]);
  alice = account(server, 'alice', 'alice-pw', { adapter: { resource: 'laptop' } });
  alicePhone = account(server, 'alice', 'alice-pw', { adapter: { resource: 'phone' } });
  bob = account(server, 'bob', 'bob-pw');
  await Promise.all([online(alice), online(alicePhone), online(bob)]);
  await Promise.all([caughtUp(alice), caughtUp(alicePhone), caughtUp(bob)]);
  dir = await mkdtemp(join(tmpdir(), 'switchboard-media-'));
});

afterAll(async () => {
  await Promise.all([alice?.adapter.disconnect(), alicePhone?.adapter.disconnect(), bob?.adapter.disconnect()]);
  await server?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

async function randomFile(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(size));
  return path;
}

/** Every file Prosody keeps under its data dir (uploads and their records included). */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(join(server.dir, 'data'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** How many slots Prosody has issued, by its own log. */
async function slotsIssued(): Promise<number> {
  const log = await readFile(join(server.dir, 'prosody.log'), 'utf8');
  return log.split('\n').filter((line) => line.includes('Issuing upload slot')).length;
}

async function failure(p: Promise<unknown>): Promise<AttachmentError> {
  try {
    await p;
  } catch (err) {
    expect(err, `expected an AttachmentError, got ${String(err)}`).toBeInstanceOf(AttachmentError);
    return err as AttachmentError;
  }
  throw new Error('expected a failure, but it succeeded');
}

const withAttachment = (clientOrUrl: string) => (e: AdapterEvent): e is Extract<AdapterEvent, { type: 'message' }> =>
  e.type === 'message' && (e.message.networkId.endsWith(`/${clientOrUrl}`) || e.message.attachments?.[0]?.ref === clientOrUrl);

const thumbnail = randomBytes(9_000).toString('base64');
const waveform = Array.from({ length: 64 }, (_, i) => (i * 37) % 256);

const CASES: Array<{ label: string; file: string; size: number; meta: Omit<AttachmentMeta, 'size' | 'name'>; caption: string }> = [
  { label: 'an image', file: 'summit.jpg', size: 180_000, caption: 'the view from the top',
    meta: { kind: 'image', mime: 'image/jpeg', width: 4032, height: 3024, thumbnail } },
  { label: 'a voice message', file: 'voice.webm', size: 24_000, caption: '',
    meta: { kind: 'voice', mime: 'audio/webm', durationMs: 12_345, waveform } },
  { label: 'a video', file: 'clip.mp4', size: 3_200_000, caption: 'look\nat this',
    meta: { kind: 'video', mime: 'video/mp4', width: 1920, height: 1080, durationMs: 61_000, thumbnail } },
  { label: 'a file', file: 'Quarterly report (final).pdf', size: 5_000_000, caption: 'numbers',
    meta: { kind: 'file', mime: 'application/pdf' } },
];

describe('attachments over XMPP against Prosody', () => {
  it('knows the upload service and its limit once online, per adapter', async () => {
    expect(alice.adapter.info.capabilities.attachmentLimits).toEqual({ image: LIMIT, voice: LIMIT, video: LIMIT, file: LIMIT });
    expect(XMPP_INFO.capabilities.attachmentLimits, 'the shared constant must not change').toBeNull();
    const fresh = account(server, 'bob', 'bob-pw');
    expect(fresh.adapter.info.capabilities.attachmentLimits, 'unknown before connecting').toBeNull();
    const runtime = (alice.adapter as unknown as { runtime: { uploadService(): Promise<unknown> } }).runtime;
    await expect(runtime.uploadService()).resolves.toEqual({ jid: 'upload.localhost', maxFileSize: LIMIT });
  });

  for (const c of CASES) {
    it(`sends ${c.label} that arrives byte-identical with its metadata, live, as a carbon and in the archive`, async () => {
      const path = await randomFile(c.file, c.size);
      const progress: Array<[number, number]> = [];
      const uploaded = await alice.adapter.upload(path, { ...c.meta, name: c.file, size: c.size }, {
        onProgress: (n, total) => progress.push([n, total]),
      });
      expect(uploaded).toMatchObject({ ...c.meta, name: c.file, size: c.size });
      expect(uploaded.ref).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(progress.at(-1)).toEqual([c.size, c.size]);

      const clientId = `media-${c.meta.kind}`;
      await alice.adapter.send('bob@localhost', { clientId, body: c.caption, attachments: [uploaded] });
      const got = (await bob.events.waitFor(`bob to receive ${c.label}`, withAttachment(clientId))).message;
      const expected: Partial<IncomingMessage> = { body: c.caption, fromMe: false, sender: 'alice@localhost' };
      expect(got).toMatchObject(expected);
      expect(got.attachments).toEqual([uploaded]);

      const carbon = (await alicePhone.events.waitFor(`the carbon of ${c.label}`, withAttachment(clientId))).message;
      expect(carbon).toMatchObject({ fromMe: true, clientId, body: c.caption });
      expect(carbon.attachments).toEqual([uploaded]);

      const history = await bob.adapter.fetchHistory('alice@localhost', null, 10);
      const archived = history.messages.find((m) => m.networkId === got.networkId);
      expect(archived?.attachments, 'the archive copy carries the attachment too').toEqual([uploaded]);
      expect(archived?.body).toBe(c.caption);

      const attachment = got.attachments?.[0] as RemoteAttachment;
      const dest = join(dir, `bob-${c.meta.kind}`);
      const seen: number[] = [];
      await bob.adapter.download(attachment, dest, { onProgress: (n, total) => {
        expect(total).toBe(c.size);
        seen.push(n);
      } });
      expect(await sha256(dest), 'the downloaded bytes must equal the sent ones').toBe(await sha256(path));
      expect(seen.at(-1)).toBe(c.size);
      expect(existsSync(`${dest}.part`)).toBe(false);
    });
  }

  it('refuses a file over the server’s limit before any request, storing nothing', async () => {
    const path = await randomFile('too-big.bin', 9 * 1024 * 1024);
    const filesBefore = await storedFiles();
    const slotsBefore = await slotsIssued();
    expect(slotsBefore, 'the log must show the slots of the earlier uploads, or this proves nothing').toBeGreaterThan(0);
    expect(filesBefore.some((f) => f.includes('upload')), 'the earlier uploads must be visible in the data dir').toBe(true);
    const err = await failure(alice.adapter.upload(path, { kind: 'file', mime: 'application/octet-stream', name: 'too-big.bin', size: 9 * 1024 * 1024 }));
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('Files on XMPP can be at most 8 MB. This one is 9 MB.');
    expect(await slotsIssued(), 'no slot may be asked for').toBe(slotsBefore);
    expect(await storedFiles(), 'nothing may be stored on the server').toEqual(filesBefore);

    // One byte over reads as bytes, never as "8 MB … 8 MB".
    const justOver = await randomFile('just-over.bin', LIMIT + 1);
    const over = await failure(alice.adapter.upload(justOver, { kind: 'image', mime: 'image/png', name: 'x.png', size: LIMIT + 1 }));
    expect(over.message).toBe('Files on XMPP can be at most 8,388,608 bytes. This one is 8,388,609 bytes.');
    expect(await slotsIssued()).toBe(slotsBefore);
  });

  it('fails a download that does not match the announced size, leaving no file', async () => {
    const path = await randomFile('exact.bin', 100_000);
    const uploaded = await alice.adapter.upload(path, { kind: 'file', mime: 'application/octet-stream', name: 'exact.bin', size: 100_000 });
    for (const size of [100_001, 99_999, 1]) {
      const dest = join(dir, `tampered-${size}`);
      const err = await failure(bob.adapter.download({ ...uploaded, size }, dest));
      expect(err.code, `announced ${size}`).toBe('integrity');
      expect(err.message).toMatch(/not the one that was sent/);
      expect(existsSync(dest), 'no file at the destination').toBe(false);
      expect(existsSync(`${dest}.part`), 'no part file left behind').toBe(false);
    }
    // An unknown size (another client sent no metadata) is bounded by the limit, not refused.
    const unknown = join(dir, 'unknown-size');
    await bob.adapter.download({ ...uploaded, size: 0 }, unknown);
    expect(await sha256(unknown)).toBe(await sha256(path));
    const missing = join(dir, 'missing');
    const gone = await failure(bob.adapter.download({ ...uploaded, ref: uploaded.ref.replace(/\/[^/]+\/([^/]+)$/, '/no-such-slot/$1') }, missing));
    expect(gone.code).toBe('http');
    expect(existsSync(missing) || existsSync(`${missing}.part`)).toBe(false);
    const script = await failure(bob.adapter.download({ ...uploaded, ref: 'javascript:alert(1)' }, missing));
    expect(script.code).toBe('http');
    const huge = await failure(bob.adapter.download({ ...uploaded, size: 3 * 1024 ** 3 }, missing));
    expect(huge.code, 'a claimed 3 GB is refused without a request').toBe('too-large');
    expect(existsSync(missing) || existsSync(`${missing}.part`)).toBe(false);
  });

  it('cancels a download and an upload through their AbortSignal', async () => {
    const path = await randomFile('long.bin', 6_000_000);
    const uploadAbort = new AbortController();
    const cancelled = await failure(alice.adapter.upload(path, { kind: 'file', mime: 'application/octet-stream', name: 'long.bin', size: 6_000_000 }, {
      signal: uploadAbort.signal,
      onProgress: (n) => n > 500_000 && uploadAbort.abort(),
    }));
    expect(cancelled.code).toBe('aborted');

    const uploaded = await alice.adapter.upload(path, { kind: 'file', mime: 'application/octet-stream', name: 'long.bin', size: 6_000_000 });
    const controller = new AbortController();
    const dest = join(dir, 'aborted');
    const err = await failure(bob.adapter.download(uploaded, dest, {
      signal: controller.signal,
      onProgress: (n) => n > 100_000 && controller.abort(),
    }));
    expect(err.code).toBe('aborted');
    expect(existsSync(dest) || existsSync(`${dest}.part`)).toBe(false);
    const already = await failure(bob.adapter.download(uploaded, dest, { signal: AbortSignal.abort() }));
    expect(already.code).toBe('aborted');
  });

  it('sends one attachment per message and refuses one without a web address', async () => {
    const a: RemoteAttachment = { kind: 'file', mime: 'text/plain', size: 1, name: 'a.txt', ref: 'http://127.0.0.1/a' };
    await expect(alice.adapter.send('bob@localhost', { clientId: 'two', body: '', attachments: [a, a] })).rejects.toThrow(/one attachment per message/);
    await expect(alice.adapter.send('bob@localhost', { clientId: 'file-url', body: '', attachments: [{ ...a, ref: 'file:///etc/passwd' }] }))
      .rejects.toThrow(/no http or https address/);
  });

  it('moves files through the account’s SOCKS5 proxy too', async () => {
    const proxy = await startSocks5();
    const proxied = account(server, 'alice', 'alice-pw', { proxy: { host: proxy.host, port: proxy.port } });
    try {
      await online(proxied);
      const path = await randomFile('proxied.bin', 300_000);
      const uploaded = await proxied.adapter.upload(path, { kind: 'file', mime: 'application/octet-stream', name: 'proxied.bin', size: 300_000 });
      const dest = join(dir, 'proxied-download');
      await proxied.adapter.download(uploaded, dest);
      expect(await sha256(dest)).toBe(await sha256(path));
      const http = proxy.targets.filter((t) => t.port === server.httpPort);
      expect(http.length, 'the PUT and the GET must both go through the proxy').toBe(2);
    } finally {
      await proxied.adapter.disconnect();
      await proxy.dispose();
    }
  });

  it('sanitises hostile attachment stanzas without crashing', async () => {
    const mallory = await rawClient(server, 'bob', 'bob-pw');
    const file = (...children: ReturnType<typeof xml>[]) => xml('file', { xmlns: 'urn:xmpp:file:metadata:0' }, ...children);
    const el = (name: string, text: string) => xml(name, {}, text);
    const oob = (url: string) => xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url));
    const send = (id: string, body: string | null, ...children: ReturnType<typeof xml>[]) =>
      mallory.send(xml('message', { to: 'alice@localhost', type: 'chat', id }, body === null ? null : xml('body', {}, body), ...children));
    try {
      await send('h-js', 'click me\njavascript:alert(1)', oob('javascript:alert(1)'), file(el('media-type', 'image/png'), el('size', '10')));
      await send('h-numbers', 'http://127.0.0.1/a/b.png', oob('http://127.0.0.1/a/b.png'), file(
        el('media-type', 'IMAGE/PNG; charset=evil'), el('size', '1' + '0'.repeat(30)), el('width', '-5'), el('height', '12abc'),
        el('length', '99999999999999'), el('name', `${'n'.repeat(10_000)}.png`),
        xml('waveform', { xmlns: 'urn:switchboard:media:0' }, Buffer.alloc(100, 7).toString('base64')),
        xml('thumbnail', { xmlns: 'urn:switchboard:media:0' }, Buffer.alloc(17 * 1024).toString('base64'))));
      await send('h-names', null, oob('ftp://127.0.0.1/x'), oob('https://127.0.0.1/up/%2e%2e%2fevil%E2%80%AEgpj.exe'), oob('https://127.0.0.1/second'),
        file(el('media-type', 'not a type'), el('size', '-1'), el('width', '0'),
          xml('waveform', { xmlns: 'urn:switchboard:media:0' }, '!!not base64!!'),
          xml('thumbnail', { xmlns: 'urn:switchboard:media:0' }, '')));
      await send('h-after', 'still here');
      await alice.events.waitFor('the message after the hostile ones', (e) => e.type === 'message' && e.message.body === 'still here');
      const byId = (id: string): IncomingMessage | undefined => alice.events.messages((m) => m.networkId === `bob@localhost/${id}`)[0];

      const js = byId('h-js');
      expect(js?.attachments, 'a javascript: URL is no attachment').toBeUndefined();
      expect(js?.body, 'the message still arrives as text').toBe('click me\njavascript:alert(1)');

      const numbers = byId('h-numbers')?.attachments?.[0];
      expect(numbers).toMatchObject({ kind: 'image', mime: 'image/png', size: 0, ref: 'http://127.0.0.1/a/b.png' });
      expect(numbers?.name).toHaveLength(255);
      for (const dropped of ['width', 'height', 'durationMs', 'waveform', 'thumbnail'] as const) {
        expect(numbers?.[dropped], `${dropped} must be dropped`).toBeUndefined();
      }
      expect(byId('h-numbers')?.body).toBe('');

      const names = byId('h-names');
      expect(names?.attachments).toHaveLength(1);
      expect(names?.attachments?.[0]).toMatchObject({
        ref: 'https://127.0.0.1/up/%2e%2e%2fevil%E2%80%AEgpj.exe', mime: 'application/octet-stream', kind: 'file', size: 0,
        name: '../evilgpj.exe',
      });
      expect(names?.body).toBe('');
      expect(names?.attachments?.[0]?.width).toBeUndefined();
      expect(names?.attachments?.[0]?.waveform).toBeUndefined();
    } finally {
      await mallory.close();
    }
  });

  it('does not fetch a received link to a local or private address, only its own server’s', async () => {
    // A trap on another loopback address than the account's server (127.0.0.1): what a link to a
    // router, a metadata service or a local development server would reach.
    const hits: string[] = [];
    const trap = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('secret');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
    const trapUrl = `http://127.0.0.2:${(trap.address() as AddressInfo).port}/admin`;
    const mallory = await rawClient(server, 'bob', 'bob-pw');
    try {
      const file = xml('file', { xmlns: 'urn:xmpp:file:metadata:0' }, xml('media-type', {}, 'image/png'), xml('size', {}, '6'));
      for (const [id, url] of [['ssrf-trap', trapUrl], ['ssrf-metadata', 'http://169.254.169.254/latest/meta-data/']] as const) {
        await mallory.send(xml('message', { to: 'alice@localhost', type: 'chat', id }, xml('body', {}, url),
          xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url)), file));
        const got = await alice.events.waitFor(`alice to receive ${id}`, (e) => e.type === 'message' && e.message.networkId === `bob@localhost/${id}`);
        const attachment = got.type === 'message' ? got.message.attachments?.[0] : undefined;
        expect(attachment?.ref).toBe(url);
        const dest = join(dir, id);
        const err = await failure(alice.adapter.download(attachment as RemoteAttachment, dest));
        expect(err.code).toBe('http');
        expect(err.message).toBe('This file is on a local or private network address, so it was not fetched.');
        expect(existsSync(dest) || existsSync(`${dest}.part`)).toBe(false);
      }
      expect(hits, 'the local address must not be asked for anything').toEqual([]);
    } finally {
      await mallory.close();
      await new Promise((resolve) => trap.close(resolve));
    }
  });

  // Last: it restarts the server under everyone.
  it('asks for the upload service once per connection, and again after reconnecting', async () => {
    const found = (): number => alice.ctx.lines.filter((l) => l.msg === 'found the upload service').length;
    const runtime = (alice.adapter as unknown as { runtime: { uploadService(): Promise<unknown> } }).runtime;
    const before = found();
    expect(before).toBe(1);
    await runtime.uploadService();
    await runtime.uploadService();
    expect(found(), 'cached for the connection').toBe(before);
    await server.stop();
    await server.start();
    await alice.events.waitForState('online', 15_000);
    await until(() => found() === before + 1, 5_000, () => 'the upload service was not discovered again after reconnecting');
    expect(alice.adapter.info.capabilities.attachmentLimits?.file).toBe(LIMIT);
  });
});
