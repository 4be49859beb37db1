// The one media route handler both doors mount — the headless host under http://127.0.0.1:<port>
// and Electron's privileged sbmedia:// scheme. Written against the web Request/Response types
// (Node 20 globals, and what Electron's protocol.handle speaks), so there is a single place that
// decides what bytes leave the media cache and with which headers.
//
//   POST /media/stage?name=<name>   body = the file's bytes → JSON Result<StagedFile>
//   GET  /media/<attachmentId>      the bytes; single Range; ?download=1 for "Save"
//
// Authentication and the Origin check are the door's job, before it calls this.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Result, StagedFile } from '../api/contract';
import { sanitizeFileName } from './fileName';
import type { MediaFile } from './media';
import { ServiceError } from './serviceError';

/** What the routes need of the core (Media implements it). */
export interface MediaDoor {
  stage(body: AsyncIterable<Uint8Array>, declaredLength?: number): Promise<StagedFile>;
  fileOf(attachmentId: number): MediaFile | undefined;
}

export const MEDIA_PREFIX = '/media/';
const ATTACHMENT_PATH = /^\/media\/([1-9][0-9]{0,14})$/;
// Only what a page shows inline keeps its type: images (not SVG, which is a document that can run
// script), audio and video — and plain text, which the browser mode's "Open" shows in a tab (as
// text: nosniff stops it being read as HTML, and the sandbox CSP would stop any script anyway).
// Everything else is bytes to save, never something to render. PDF too: Chrome refuses to run its
// viewer in a sandboxed document ("This page has been blocked by Chrome", crbug.com/413851), and
// dropping the sandbox would put the sender's PDF on the app's own origin.
const INLINE_TYPE = /^(image\/(png|jpeg|gif|webp|avif|bmp|heic|heif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/;
/** Served as UTF-8 whatever the sender declared: one predictable reading. */
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Headers on every media answer: never sniffed, never a document with powers, never cached stale. */
const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "sandbox; default-src 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export function isMediaPath(pathname: string): boolean {
  return pathname.startsWith(MEDIA_PREFIX);
}

export function mediaTypeFor(mime: string): string {
  const plain = mime.split(';')[0]?.trim().toLowerCase() ?? '';
  if (plain === 'text/plain') return TEXT_TYPE;
  return INLINE_TYPE.test(plain) ? plain : 'application/octet-stream';
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` with the sanitised name. */
export function contentDisposition(name: string): string {
  const safe = sanitizeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function json<T>(status: number, body: Result<T>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(status === 304 ? null : text, { status, headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
}

/** The request body as chunks, cancelling the stream if the reader stops early (too large). */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function stage(door: MediaDoor, request: Request): Promise<Response> {
  if (!request.body) return json(400, { ok: false, error: { code: 'invalid-request', message: 'The file has no content.' } });
  const length = request.headers.get('content-length');
  const declared = length !== null && /^[0-9]+$/.test(length) ? Number(length) : undefined;
  try {
    return json(200, { ok: true, value: await door.stage(chunksOf(request.body), declared) });
  } catch (err) {
    if (err instanceof ServiceError) {
      return json(err.code === 'too-large' ? 413 : 400, { ok: false, error: { code: err.code, message: err.message } });
    }
    const message = err instanceof Error ? err.message : String(err);
    return json(500, { ok: false, error: { code: 'internal', message: `The file could not be prepared (${message}).` } });
  }
}

type ByteRange = { start: number; end: number };

/** One `bytes=` range, clamped to the file; null to send it all; 'unsatisfiable' for 416. */
export function parseRange(header: string | null, size: number): ByteRange | null | 'unsatisfiable' {
  if (header === null) return null;
  // Several ranges (multipart answers) are not served: the whole file is a valid answer to them.
  const m = /^bytes=([0-9]*)-([0-9]*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Number(m[2]);
  if (start >= size || last < start) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

function fileBody(path: string, range: ByteRange): ReadableStream<Uint8Array> {
  // node:stream/web's ReadableStream is the global one at runtime; the two type declarations differ.
  return Readable.toWeb(createReadStream(path, { start: range.start, end: range.end })) as unknown as ReadableStream<Uint8Array>;
}

function serveFile(door: MediaDoor, request: Request, attachmentId: number, url: URL): Response {
  const file = door.fileOf(attachmentId);
  if (!file) return plain(404, 'Not found');
  const etag = `"${file.contentHash}"`;
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'Content-Type': mediaTypeFor(file.mime),
    'Accept-Ranges': 'bytes',
    ETag: etag,
  };
  if (url.searchParams.get('download') === '1') headers['Content-Disposition'] = contentDisposition(file.name);
  if (request.headers.get('if-none-match') === etag) return plain(304, '', { ETag: etag });
  const range = parseRange(request.headers.get('range'), file.size);
  if (range === 'unsatisfiable') return plain(416, 'Range not satisfiable', { 'Content-Range': `bytes */${file.size}` });
  const head = request.method === 'HEAD';
  if (range === null) {
    headers['Content-Length'] = String(file.size);
    const body = head || file.size === 0 ? null : fileBody(file.path, { start: 0, end: file.size - 1 });
    return new Response(body, { status: 200, headers });
  }
  headers['Content-Length'] = String(range.end - range.start + 1);
  headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.size}`;
  return new Response(head ? null : fileBody(file.path, range), { status: 206, headers });
}

/** Answers one media request; the caller has authenticated it. */
export async function handleMediaRequest(door: MediaDoor, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/media/stage') {
    if (request.method !== 'POST') return plain(405, 'Method not allowed', { Allow: 'POST' });
    return stage(door, request);
  }
  const match = ATTACHMENT_PATH.exec(url.pathname);
  if (!match) return plain(404, 'Not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
  return serveFile(door, request, Number(match[1]), url);
}
