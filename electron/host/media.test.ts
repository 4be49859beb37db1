// The host's media door: staging files into the cache and serving attachments' bytes — behind the
// launch cookie, with the Origin checked on writes, never sniffed or run as a document.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, StagedFile } from '../api/contract';
import { SwitchboardService } from '../service/service';
import type { AttachmentInput } from '../store/types';
import { startHost, type RunningHost } from './server';

const CAP = 256 * 1024;
let dir: string;
let service: SwitchboardService;
let host: RunningHost;
let cookie: string;
let origin: string;

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | Buffer[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      // Chunked, with no Content-Length: the cap must hold while streaming.
      for (const part of body) req.write(part);
      req.end();
    } else {
      req.end(body);
    }
  });
}

const authed = (extra: Record<string, string> = {}) => ({ Cookie: cookie, ...extra });
const writeHeaders = (extra: Record<string, string> = {}) => authed({ Origin: origin, ...extra });

async function stage(bytes: Buffer, name = 'x.bin'): Promise<StagedFile> {
  const res = await send('POST', `/media/stage?name=${encodeURIComponent(name)}`, writeHeaders(), bytes);
  expect(res.status, res.body.toString()).toBe(200);
  const result = JSON.parse(res.body.toString()) as Result<StagedFile>;
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

let chatId = 0;
/** An own queued message whose attachment is the staged file: what GET serves. */
function attach(input: Partial<AttachmentInput> & { contentHash: string | null; size: number }): number {
  const row = service.store.queueOutgoing({
    chatId,
    clientId: randomBytes(8).toString('hex'),
    body: '',
    now: Date.now(),
    attachments: [{ kind: 'file', mime: 'application/octet-stream', name: 'f.bin', ...input }],
  });
  const id = service.store.listAttachments(row.id)[0]?.id;
  if (id === undefined) throw new Error('no attachment stored');
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-host-media-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  service = new SwitchboardService({ dataDir: join(dir, 'profile'), stageCapBytes: CAP });
  host = await startHost({ core: service, staticDir, port: 0 });
  origin = `http://127.0.0.1:${host.port}`;
  const login = await send('GET', new URL(host.loginUrl).pathname + new URL(host.loginUrl).search);
  cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  service.store.addAccount({ id: 'acc', network: 'xmpp', address: 'me@example.org', settingsJson: '{"password":"x"}', createdAt: 1 });
  chatId = service.store.upsertChat(
    'acc',
    { address: 'bob@example.org', title: 'Bob', kind: 'direct', inbox: 'native', security: { e2ee: false, protocol: null, endsAt: 'server', label: 'x' } },
    1,
  ).id;
});

afterAll(async () => {
  await host.close();
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the host media door', () => {
  it('refuses everything without the launch cookie', async () => {
    expect((await send('GET', '/media/1')).status).toBe(401);
    expect((await send('POST', '/media/stage?name=a', { Origin: origin }, Buffer.from('x'))).status).toBe(401);
    expect((await send('GET', '/media/1', { Cookie: 'sb_session=wrong' })).status).toBe(401);
  });

  it('refuses writes from another origin, or with none', async () => {
    expect((await send('POST', '/media/stage?name=a', authed({ Origin: 'http://evil.example' }), Buffer.from('x'))).status).toBe(403);
    expect((await send('POST', '/media/stage?name=a', authed(), Buffer.from('x'))).status).toBe(403);
  });

  it('refuses requests from other sites, or from pages on other local ports, and is not embeddable by them', async () => {
    const bytes = randomBytes(1_000);
    const { stagedId } = await stage(bytes, 'photo.png');
    const id = attach({ kind: 'image', mime: 'image/png', size: bytes.length, name: 'photo.png', contentHash: stagedId });
    // What a browser sends for <img src="http://127.0.0.1:<port>/media/1"> on http://127.0.0.1:<other port>/ (same-site) or elsewhere.
    for (const site of ['same-site', 'cross-site']) {
      const res = await send('GET', `/media/${id}`, authed({ 'Sec-Fetch-Site': site, 'Sec-Fetch-Dest': 'image' }));
      expect(res.status, site).toBe(403);
      expect(res.body.toString()).toBe('Forbidden');
      const write = await send('POST', '/media/stage?name=a', writeHeaders({ 'Sec-Fetch-Site': site }), Buffer.from('x'));
      expect(write.status, site).toBe(403);
    }
    // Our own page, a typed address or a bookmark, and clients that send no such header.
    const allowed: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'same-origin' }, { 'Sec-Fetch-Site': 'none' }, {}];
    for (const headers of allowed) {
      const res = await send('GET', `/media/${id}`, authed(headers));
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
      // A browser that sends no Sec-Fetch-Site still will not hand the bytes to another origin's page.
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('stages a file and serves it back byte-identical, typed, unsniffed and sandboxed', async () => {
    const bytes = randomBytes(100_000);
    const staged = await stage(bytes, 'photo.png');
    expect(staged).toEqual({ stagedId: expect.stringMatching(/^[0-9a-f]{64}$/), size: bytes.length });
    const id = attach({ kind: 'image', mime: 'image/png', size: bytes.length, name: 'photo.png', contentHash: staged.stagedId });

    const res = await send('GET', `/media/${id}`, authed());
    expect(res.status).toBe(200);
    expect(res.body.equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-disposition']).toBeUndefined();

    const again = await send('GET', `/media/${id}`, authed({ 'If-None-Match': String(res.headers.etag) }));
    expect(again.status).toBe(304);
    const head = await send('HEAD', `/media/${id}`, authed());
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    // The same bytes staged twice are one file in the cache.
    expect((await stage(bytes)).stagedId).toBe(staged.stagedId);
  });

  it('serves one byte range for seeking, and says when a range cannot be served', async () => {
    const bytes = randomBytes(5_000);
    const { stagedId } = await stage(bytes);
    const id = attach({ kind: 'voice', mime: 'audio/webm', size: bytes.length, contentHash: stagedId });

    const mid = await send('GET', `/media/${id}`, authed({ Range: 'bytes=100-199' }));
    expect(mid.status).toBe(206);
    expect(mid.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(mid.body.equals(bytes.subarray(100, 200))).toBe(true);
    expect(mid.headers['content-type']).toBe('audio/webm');

    const open = await send('GET', `/media/${id}`, authed({ Range: 'bytes=4990-' }));
    expect(open.body.equals(bytes.subarray(4990))).toBe(true);
    const suffix = await send('GET', `/media/${id}`, authed({ Range: 'bytes=-10' }));
    expect(suffix.headers['content-range']).toBe(`bytes 4990-4999/${bytes.length}`);
    const past = await send('GET', `/media/${id}`, authed({ Range: 'bytes=9999-' }));
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${bytes.length}`);
    // Several ranges: the whole file is a valid answer.
    const multi = await send('GET', `/media/${id}`, authed({ Range: 'bytes=0-1,5-6' }));
    expect(multi.status).toBe(200);
    expect(multi.body.equals(bytes)).toBe(true);
  });

  it('saves under a sanitised name with ?download=1', async () => {
    const { stagedId, size } = await stage(Buffer.from('#!/bin/sh\necho pwned\n'));
    const id = attach({ size, name: '../../evil.sh', mime: 'text/x-sh', contentHash: stagedId });
    const res = await send('GET', `/media/${id}?download=1`, authed());
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="evil.sh"; filename*=UTF-8''evil.sh`);
    // Not something a browser would render or run.
    expect(res.headers['content-type']).toBe('application/octet-stream');

    const unicode = attach({ size, name: 'résumé "final".pdf', mime: 'application/pdf', contentHash: stagedId });
    const named = await send('GET', `/media/${unicode}?download=1`, authed());
    expect(named.headers['content-disposition']).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20_final_.pdf`,
    );
  });

  it('never serves a document type inline: HTML and SVG become bytes', async () => {
    const { stagedId, size } = await stage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    for (const mime of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'image/png; charset=x"']) {
      const id = attach({ kind: 'image', mime, size, contentHash: stagedId });
      const res = await send('GET', `/media/${id}`, authed());
      expect(res.headers['content-type'], mime).toBe(mime.startsWith('image/png') ? 'image/png' : 'application/octet-stream');
    }
  });

  it('serves plain text as UTF-8 text (what "Open" shows in a tab) and a PDF as bytes, both unsniffed and sandboxed', async () => {
    const { stagedId, size } = await stage(Buffer.from('<script>alert(1)</script> is just text here\n'));
    const cases = [
      ['text/plain', 'text/plain; charset=utf-8'],
      ['Text/Plain; charset=iso-8859-1', 'text/plain; charset=utf-8'],
      // Chrome will not run its PDF viewer in a sandboxed document; unsandboxed it would be on the app's origin.
      ['application/pdf', 'application/octet-stream'],
    ] as const;
    for (const [mime, served] of cases) {
      const id = attach({ mime, size, contentHash: stagedId });
      const res = await send('GET', `/media/${id}`, authed());
      expect(res.headers['content-type'], mime).toBe(served);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    }
  });

  it('answers 404 for bad ids and for files that are not here', async () => {
    const notHere = attach({ size: 10, contentHash: null });
    for (const path of ['/media/abc', '/media/0', '/media/-1', '/media/01', '/media/1.5', '/media/99999999', '/media/1/x', '/media/', `/media/${notHere}`, '/media/%31']) {
      const res = await send('GET', path, authed());
      expect(res.status, path).toBe(404);
    }
    expect((await send('DELETE', '/media/1', writeHeaders())).status).toBe(405);
    expect((await send('GET', '/media/stage', authed())).status).toBe(405);
  });

  it('refuses staging past the cap, declared or streamed, and keeps nothing', async () => {
    const before = readdirSync(join(dir, 'profile', 'media')).sort();
    const declared = await send('POST', '/media/stage?name=big', writeHeaders(), randomBytes(CAP + 1));
    expect(declared.status).toBe(413);
    const answer = JSON.parse(declared.body.toString()) as Result<StagedFile>;
    expect(answer).toEqual({ ok: false, error: { code: 'too-large', message: 'Files over 256 KB cannot be sent.' } });

    const streamed = await send('POST', '/media/stage?name=big', writeHeaders(), Array.from({ length: 20 }, () => randomBytes(32 * 1024)));
    expect(streamed.status).toBe(413);
    expect(readdirSync(join(dir, 'profile', 'media')).sort()).toEqual(before);
    expect(readdirSync(join(dir, 'profile', 'media', 'tmp'))).toEqual([]);
  });
});
