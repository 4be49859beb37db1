// The headless host: the same service the Electron window uses, over HTTP + WebSocket on
// 127.0.0.1, serving the built renderer to a browser. Used by the browser mode and by every UI test.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CoreEvent, Result } from '../api/contract';
import { handleMediaRequest, isMediaPath, type MediaDoor } from '../service/mediaRoutes';
import { isAuthorized, newSecret, secretFromUrl, sessionCookie } from './auth';
import { securityHeaders, serveStatic } from './staticFiles';

/** What the host needs of the core: requests in, events out, and the media cache's door. */
export interface HostedCore {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: CoreEvent) => void): () => void;
  media: MediaDoor;
}

export interface HostOptions {
  core: HostedCore;
  /** Folder of the built renderer (dist/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningHost {
  url: string;
  /** The URL with the launch secret: opening it signs the browser in. */
  loginUrl: string;
  port: number;
  close(): Promise<void>;
}

const MAX_FRAME = 256 * 1024;

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' });
  res.end('Unauthorized. Open the address that `npm run web` printed: it carries this launch\'s secret.');
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Node's request → a web Request for the shared media routes, and their Response back. */
async function serveMedia(door: MediaDoor, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const withBody = req.method === 'POST';
  const init = {
    method: req.method ?? 'GET',
    headers,
    // node:stream/web's ReadableStream is the global one at runtime; the two type declarations differ.
    body: withBody ? (Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>) : null,
    // Required by Node's fetch for a streamed body; not yet in the DOM typings.
    duplex: 'half',
  };
  const response = await handleMediaRequest(door, new Request(url, init as RequestInit));
  response.headers.forEach((value, name) => res.setHeader(name, value));
  // A refused upload is not read to its end: close the connection rather than drain gigabytes.
  if (withBody && response.status >= 400) res.setHeader('Connection', 'close');
  res.writeHead(response.status);
  if (!response.body || req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>), res);
}

function serveSocket(core: HostedCore, ws: WebSocket): void {
  const send = (payload: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  };
  const unsubscribe = core.onEvent((event) => send({ event }));
  ws.on('message', (data, isBinary) => {
    let request: { id?: unknown; method?: unknown; params?: unknown };
    try {
      if (isBinary) throw new Error('binary frame');
      request = JSON.parse(data.toString()) as typeof request;
    } catch {
      ws.close(1007, 'Requests are JSON text frames');
      return;
    }
    if (typeof request.id !== 'number' || typeof request.method !== 'string') {
      ws.close(1008, 'A request needs a numeric id and a method');
      return;
    }
    const id = request.id;
    void core.call(request.method, request.params).then((result) => send({ id, result }));
  });
  const ping = setInterval(() => ws.ping(), 30_000);
  ws.on('close', () => {
    clearInterval(ping);
    unsubscribe();
  });
  ws.on('error', () => ws.terminate());
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const secret = newSecret();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  let origins = new Set<string>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('k')) {
      if (!secretFromUrl(url, secret)) return unauthorized(res);
      res.writeHead(302, { 'Set-Cookie': sessionCookie(secret), Location: '/' }).end();
      return;
    }
    if (!isAuthorized(req, secret)) return unauthorized(res);
    if (isMediaPath(url.pathname)) {
      // A page on another 127.0.0.1 port is same-site to this one, so the SameSite cookie rides
      // along on its <img>/<video>: neither it nor any other site may embed or fetch the media.
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      const forbidden = (): void => {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('Forbidden');
      };
      const site = req.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') return forbidden();
      // Like the WebSocket: only our own pages may write (a cookie rides along from any page).
      const origin = req.headers.origin;
      if (req.method !== 'GET' && req.method !== 'HEAD' && (origin === undefined || !origins.has(origin))) return forbidden();
      serveMedia(options.core.media, req, res, url).catch(() => {
        // The client went away mid-transfer; nothing to answer.
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    serveStatic(options.staticDir, url.pathname, res);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/ws') return rejectUpgrade(socket, '404 Not Found');
    if (!isAuthorized(req, secret)) return rejectUpgrade(socket, '401 Unauthorized');
    // A page on another origin cannot read the cookie, but could ride it: only our own pages may connect.
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return rejectUpgrade(socket, '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(options.core, ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    loginUrl: `${url}?k=${secret}`,
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
