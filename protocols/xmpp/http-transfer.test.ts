// The attachment HTTP client against a local node:http server (and an https one with a throwaway CA,
// and the SOCKS5 test proxy): streaming both ways, progress, byte counts, refusals, abort, timeout.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSocks5, type Socks5Server } from '../../test/servers/socks5.js';
import { AttachmentError } from '../adapter.js';
import { httpGet, httpPut, type HttpTransferOptions } from './http-transfer.js';
import { isPublicAddress } from './network-address.js';

/**
 * The test servers are on 127.0.0.1 and localhost, which a transfer refuses unless they are the
 * account's own server: most tests say they are.
 */
const LOCAL = { allowedHosts: ['127.0.0.1', 'localhost'] };
const getLocal = (url: string, maxBytes: number, options: HttpTransferOptions = {}): ReturnType<typeof httpGet> =>
  httpGet(url, maxBytes, { ...LOCAL, ...options });
const putLocal = (url: string, body: Readable, size: number, headers: Record<string, string>, options: HttpTransferOptions = {}): Promise<void> =>
  httpPut(url, body, size, headers, { ...LOCAL, ...options });

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
const hits: string[] = [];
let server: http.Server;
let base: string;

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  base = `http://127.0.0.1:${await listen(server)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  hits.length = 0;
  handler = (_req, res) => res.end();
});

/** Reads a request body whole (the test files are small). */
async function received(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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

/** A readable of `bytes` in 16 KiB pieces that are produced only when read (backpressure visible). */
function slowSource(bytes: Buffer): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(offset, offset + 16_384));
      offset += 16_384;
    },
  });
}

describe('httpPut', () => {
  it('succeeds when the server answers before the file reports its end', async () => {
    // What a busy machine does: the last bytes are out and answered, but the read that finds the
    // end of the file comes back later. A 201 for every announced byte is a success.
    const data = randomBytes(64 * 1024);
    handler = (req, res) => {
      void received(req).then(() => res.writeHead(201).end());
    };
    let pushed = false;
    const slowEnd = new Readable({
      read() {
        if (pushed) return;
        pushed = true;
        this.push(data);
        setTimeout(() => this.push(null), 300);
      },
    });
    await expect(putLocal(`${base}/slow-end`, slowEnd, data.length, {})).resolves.toBeUndefined();
  });

  it('streams the body with its headers and Content-Length, reporting progress up to the size', async () => {
    const data = randomBytes(300_000);
    let got: { body: Buffer; headers: http.IncomingHttpHeaders } | null = null;
    handler = async (req, res) => {
      got = { body: await received(req), headers: req.headers };
      res.writeHead(201).end();
    };
    const progress: number[] = [];
    await putLocal(`${base}/slot/file.bin`, slowSource(data), data.length, { Authorization: 'Bearer t0k', 'Content-Type': 'application/pdf' }, {
      onProgress: (n, total) => {
        expect(total).toBe(data.length);
        progress.push(n);
      },
    });
    expect(got).not.toBeNull();
    const { body, headers } = got as unknown as { body: Buffer; headers: http.IncomingHttpHeaders };
    expect(body.equals(data), 'the server must receive the bytes unchanged').toBe(true);
    expect(headers).toMatchObject({ authorization: 'Bearer t0k', 'content-type': 'application/pdf', 'content-length': String(data.length) });
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(data.length);
    expect(progress.every((n, i) => i === 0 || n > (progress[i - 1] ?? 0)), 'progress only goes up').toBe(true);
  });

  it('fails with the status when the server refuses, and with too-large on 413', async () => {
    handler = (_req, res) => res.writeHead(403, 'Forbidden').end();
    const refused = await failure(putLocal(`${base}/slot/x`, Readable.from([Buffer.alloc(10)]), 10, {}));
    expect(refused.code).toBe('http');
    expect(refused.message).toMatch(/403 Forbidden/);
    expect(refused.message).toContain('127.0.0.1');

    handler = (_req, res) => res.writeHead(413).end();
    const big = await failure(putLocal(`${base}/slot/x`, slowSource(randomBytes(200_000)), 200_000, {}));
    expect(big.code).toBe('too-large');
  });

  it('refuses to send a body that is not the announced size', async () => {
    handler = async (req, res) => {
      await received(req).catch(() => {});
      res.writeHead(201).end();
    };
    const short = await failure(putLocal(`${base}/slot/short`, Readable.from([Buffer.alloc(50)]), 100, {}));
    expect(short.message).toMatch(/shrank/);
    const long = await failure(putLocal(`${base}/slot/long`, Readable.from([Buffer.alloc(150)]), 100, {}));
    expect(long.message).toMatch(/grew/);
  });

  it('is cancelled by its AbortSignal mid-upload', async () => {
    let serverSawEnd = false;
    handler = (req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        serverSawEnd = true;
        res.writeHead(201).end();
      });
    };
    const controller = new AbortController();
    const size = 20_000_000;
    const upload = putLocal(`${base}/slot/abort`, slowSource(Buffer.alloc(size)), size, {}, {
      signal: controller.signal,
      onProgress: (n) => {
        if (n > 1_000_000) controller.abort();
      },
    });
    const err = await failure(upload);
    expect(err.code).toBe('aborted');
    expect(serverSawEnd, 'the server must not get a complete upload').toBe(false);
  });

  it('refuses a non-http URL before connecting', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/plain,hi', 'not a url']) {
      const err = await failure(putLocal(url, Readable.from([]), 0, {}));
      expect(err.code).toBe('http');
    }
  });
});

describe('httpGet', () => {
  it('streams the body with the announced length and progress', async () => {
    const data = randomBytes(500_000);
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(data.length) });
      slowSource(data).pipe(res);
    };
    const progress: Array<[number, number]> = [];
    const { body, length } = await getLocal(`${base}/file`, data.length, { onProgress: (n, t) => progress.push([n, t]) });
    expect(length).toBe(data.length);
    const got = await collect(body);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(progress.at(-1)).toEqual([data.length, data.length]);
  });

  it('rejects a non-2xx answer and does not follow a redirect', async () => {
    handler = (req, res) => {
      if (req.url === '/moved') res.writeHead(302, { Location: `${base}/elsewhere` }).end();
      else if (req.url === '/elsewhere') res.end('secret');
      else res.writeHead(404, 'Not Found').end('no such file');
    };
    const missing = await failure(getLocal(`${base}/gone`, 100));
    expect(missing.code).toBe('http');
    expect(missing.message).toMatch(/404 Not Found/);
    const moved = await failure(getLocal(`${base}/moved`, 100));
    expect(moved.message).toMatch(/302.*redirect/);
    expect(hits, 'the redirect target must not be fetched').not.toContain('GET /elsewhere');
  });

  it('refuses an announced length over maxBytes before reading the body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.end(Buffer.alloc(1000));
    };
    const err = await failure(getLocal(`${base}/big`, 999));
    expect(err.code).toBe('too-large');
  });

  it('stops reading past maxBytes when no length is announced', async () => {
    let serverClosed = false;
    handler = (_req, res) => {
      // Chunked, endless: only the client's limit ends it.
      const timer = setInterval(() => res.write(Buffer.alloc(65_536)), 1);
      res.on('close', () => {
        clearInterval(timer);
        serverClosed = true;
      });
    };
    const { body, length } = await getLocal(`${base}/endless`, 1_000_000);
    expect(length).toBeNull();
    let got = 0;
    const err = await failure((async () => {
      for await (const chunk of body) got += (chunk as Buffer).length;
    })());
    expect(err.code).toBe('too-large');
    expect(got).toBeLessThanOrEqual(1_000_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(serverClosed, 'the connection must be closed once the limit is passed').toBe(true);
  });

  it('fails a body cut off before its announced length', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100000' });
      res.write(Buffer.alloc(40_000), () => setTimeout(() => res.socket?.destroy(), 20));
    };
    const { body } = await getLocal(`${base}/cut`, 100_000);
    const err = await failure(collect(body));
    expect(err.code).toBe('http');
  });

  it('is cancelled by its AbortSignal mid-download', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(50_000_000) });
      const timer = setInterval(() => res.write(Buffer.alloc(65_536)), 2);
      res.on('close', () => clearInterval(timer));
    };
    const controller = new AbortController();
    const { body } = await getLocal(`${base}/long`, 50_000_000, {
      signal: controller.signal,
      onProgress: (n) => {
        if (n > 500_000) controller.abort();
      },
    });
    const err = await failure(collect(body));
    expect(err.code).toBe('aborted');
  });

  it('fails when the server stalls longer than the idle timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write(Buffer.alloc(10));
    };
    const { body } = await getLocal(`${base}/stall`, 100, { timeoutMs: 200 });
    const err = await failure(collect(body));
    expect(err.message).toMatch(/stalled/);
  });
});

/** Fails unless `p` settles within `ms`: a transfer that is never stopped must not hang the test. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was still going after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('a floor under the throughput', () => {
  // Small numbers for the test; the default is 16 KiB per 60 s.
  const floor = { minThroughput: { bytes: 8 * 1024, windowMs: 300 } };

  it('stops a download that drips in, though a byte comes long before the idle timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100000' });
      const timer = setInterval(() => res.write(Buffer.alloc(1)), 20);
      res.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const { body } = await getLocal(`${base}/drip`, 100_000, floor);
    const err = await failure(within(collect(body), 3_000, 'the dripping download'));
    expect(err.code).toBe('http');
    expect(err.message).toMatch(/^The download from 127\.0\.0\.1:\d+ was too slow: less than 8 KB arrived in 300 ms, so it was stopped\.$/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('stops a download whose headers drip in', async () => {
    const sockets = new Set<net.Socket>();
    const dripper = net.createServer((socket) => {
      sockets.add(socket);
      const text = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Padding: ' + 'x'.repeat(1000);
      let i = 0;
      const timer = setInterval(() => socket.write(text[i++ % text.length] ?? 'x'), 20);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => {});
    });
    const port = await listen(dripper);
    try {
      const err = await failure(within(getLocal(`http://127.0.0.1:${port}/`, 10, floor), 3_000, 'the dripping headers'));
      expect(err.message).toMatch(/too slow/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => dripper.close(resolve));
    }
  });

  it('stops an upload to a server that reads a trickle', async () => {
    handler = (req, res) => {
      // Paused, 100 bytes every 20 ms: the socket buffers fill, then the upload crawls.
      req.pause();
      const timer = setInterval(() => req.read(100), 20);
      res.on('close', () => clearInterval(timer));
      req.on('close', () => clearInterval(timer));
    };
    const chunk = Buffer.alloc(64 * 1024);
    const size = 256 * 1024 * 1024;
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += chunk.length;
        this.push(produced <= size ? chunk : null);
      },
    });
    const err = await failure(within(putLocal(`${base}/trickle`, endless, size, {}, { minThroughput: { bytes: 256 * 1024, windowMs: 300 } }), 5_000, 'the crawling upload'));
    expect(err.code).toBe('http');
    expect(err.message).toMatch(/^The upload to 127\.0\.0\.1:\d+ was too slow: less than 256 KB went out in 300 ms, so it was stopped\.$/);
  });

  it('lets a healthy transfer through with the same floor', async () => {
    const data = randomBytes(2_000_000);
    handler = (req, res) => {
      if (req.method === 'PUT') void received(req).then(() => res.writeHead(201).end());
      else res.writeHead(200, { 'Content-Length': String(data.length) }).end(data);
    };
    await putLocal(`${base}/ok`, slowSource(data), data.length, {}, floor);
    const { body } = await getLocal(`${base}/ok`, data.length, floor);
    expect((await collect(body)).equals(data)).toBe(true);
  });
});

describe('local and private addresses', () => {
  const REFUSED_GET = 'This file is on a local or private network address, so it was not fetched.';
  const port = (): string => new URL(base).port;

  it('knows public addresses from loopback, private, link-local, multicast and reserved ones, IPv4 and IPv6', () => {
    const publicOnes = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '223.255.255.255',
      '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1'];
    const refused = ['127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1',
      '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
      '192.0.0.1', '198.18.0.1', '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
      '::ffff:0.0.0.0', '::127.0.0.1', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1',
      '2002:7f00:1::1', '2002:a00:1::1', '64:ff9b::a00:1', '64:ff9b::7f00:1', '2001:db8::1', '2001::1', '100::1', 'not an address', ''];
    expect(publicOnes.filter((a) => !isPublicAddress(a)), 'taken for non-public').toEqual([]);
    expect(refused.filter((a) => isPublicAddress(a)), 'taken for public').toEqual([]);
  });

  it('refuses a GET to a loopback, private or link-local address before connecting', async () => {
    const urls = [
      `${base}/secret`, `http://[::1]:${port()}/secret`, `http://[::ffff:127.0.0.1]:${port()}/secret`, `http://127.0.0.2:${port()}/`,
      `http://2130706433:${port()}/secret`, `http://0.0.0.0:${port()}/`, 'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/', 'http://192.168.1.1/admin', 'http://172.16.5.4:8080/', 'http://[fd00::1]/', 'http://[fe80::1]/',
      'http://224.0.0.1/', 'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
    ];
    for (const url of urls) {
      const err = await failure(httpGet(url, 100, { timeoutMs: 2_000 }));
      expect(err.code, url).toBe('http');
      expect(err.message, url).toBe(REFUSED_GET);
    }
    expect(hits, 'nothing reached the local server').toEqual([]);
  });

  it('refuses a name that resolves to a loopback address, and an upload there', async () => {
    const err = await failure(httpGet(`http://localhost:${port()}/secret`, 100));
    expect(err.message).toBe(REFUSED_GET);
    const put = await failure(httpPut(`http://localhost:${port()}/slot`, Readable.from([Buffer.alloc(10)]), 10, {}));
    expect(put.code).toBe('http');
    expect(put.message).toBe('The upload address is on a local or private network, so the file was not sent.');
    const literal = await failure(httpPut(`${base}/slot`, Readable.from([Buffer.alloc(10)]), 10, {}));
    expect(literal.message).toMatch(/local or private network/);
    expect(hits, 'nothing reached the local server').toEqual([]);
  });

  it('allows the account’s own server: its names and the addresses they resolve to', async () => {
    handler = (_req, res) => res.end('own server');
    // By address literal, by name, and a literal the allowed name resolves to.
    for (const [url, allowedHosts] of [[`${base}/a`, ['127.0.0.1']], [`http://localhost:${port()}/b`, ['LOCALHOST']], [`${base}/c`, ['localhost']],
      [`http://localhost:${port()}/d`, ['127.0.0.1']]] as const) {
      const { body } = await httpGet(url, 100, { allowedHosts });
      expect(await text(body), `${url} with ${allowedHosts.join()}`).toBe('own server');
    }
    // Another loopback address is not the own server's.
    const other = await failure(httpGet(`http://127.0.0.2:${port()}/e`, 100, { allowedHosts: ['127.0.0.1', 'localhost'] }));
    expect(other.message).toBe(REFUSED_GET);
    expect(hits).toEqual(['GET /a', 'GET /b', 'GET /c', 'GET /d']);
  });
});

describe('https and SOCKS5', () => {
  let dir: string;
  let secure: https.Server;
  let secureBase: string;
  let caPem: string;
  let proxy: Socks5Server;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-http-'));
    const run = promisify(execFile);
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '1',
      '-subj', '/CN=test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
    await run('openssl', ['req', ...ec, '-keyout', join(dir, 'srv.key'), '-out', join(dir, 'srv.csr'), '-subj', '/CN=localhost']);
    await writeFile(join(dir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await run('openssl', ['x509', '-req', '-in', join(dir, 'srv.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'),
      '-CAcreateserial', '-out', join(dir, 'srv.crt'), '-days', '1', '-extfile', join(dir, 'ext')]);
    caPem = await readFile(join(dir, 'ca.pem'), 'utf8');
    secure = https.createServer({ key: await readFile(join(dir, 'srv.key')), cert: await readFile(join(dir, 'srv.crt')) }, (req, res) => {
      if (req.method === 'PUT') void received(req).then((b) => res.writeHead(201).end(String(b.length)));
      else res.end('over tls');
    });
    secureBase = `https://localhost:${await listen(secure)}`;
    proxy = await startSocks5();
  });

  afterAll(async () => {
    secure?.closeAllConnections();
    await new Promise((resolve) => secure?.close(resolve));
    await proxy?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the server certificate against the account’s CA', async () => {
    const { body } = await getLocal(`${secureBase}/x`, 100, { trustedCa: caPem });
    expect(await text(body)).toBe('over tls');
    const untrusted = await failure(getLocal(`${secureBase}/x`, 100));
    expect(untrusted.message).toMatch(/certificate/);
  });

  it('refuses a TLS server on a local address before the handshake', async () => {
    const err = await failure(httpGet(`${secureBase}/x`, 100, { trustedCa: caPem }));
    expect(err.message).toBe('This file is on a local or private network address, so it was not fetched.');
  });

  it('goes through the SOCKS5 proxy, for http and https, both ways', async () => {
    // No allowedHosts: through a proxy the proxy resolves and connects, so no address is checked.
    handler = (_req, res) => res.end('via proxy');
    const viaProxy = { proxy: { host: proxy.host, port: proxy.port } };
    const before = proxy.targets.length;
    const plain = await httpGet(`${base}/p`, 100, viaProxy);
    expect(await text(plain.body)).toBe('via proxy');
    const tlsGet = await httpGet(`${secureBase}/p`, 100, { ...viaProxy, trustedCa: caPem });
    expect(await text(tlsGet.body)).toBe('over tls');
    await httpPut(`${secureBase}/p`, Readable.from([Buffer.alloc(70_000)]), 70_000, {}, { ...viaProxy, trustedCa: caPem });
    const targets = proxy.targets.slice(before);
    expect(targets.map((t) => t.host)).toEqual(['127.0.0.1', 'localhost', 'localhost']);
    expect(targets.filter((t) => t.host === 'localhost').every((t) => t.addressType === 'domain'), 'the proxy resolves names').toBe(true);
  });

  it('names the proxy when it refuses', async () => {
    proxy.refuse(5);
    try {
      const err = await failure(httpGet(`${base}/p`, 100, { proxy: { host: proxy.host, port: proxy.port } }));
      expect(err.message).toMatch(/SOCKS5 proxy 127\.0\.0\.1/);
    } finally {
      proxy.serve();
    }
  });
});
