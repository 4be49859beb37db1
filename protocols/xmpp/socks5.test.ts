// The SOCKS5 client: the handshake codec against well-formed and hostile proxy replies, and the
// socket that runs it, against hostile proxies on 127.0.0.1 and the test proxy of test/servers.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSocks5 } from '../../test/servers/socks5.js';
import { Socks5Error, Socks5Handshake, type HandshakeStep, type Socks5Proxy } from './socks5.js';
import { Socks5Socket } from './socks5-transport.js';

const PROXY: Socks5Proxy = { host: '127.0.0.1', port: 1080 };
const WITH_LOGIN: Socks5Proxy = { ...PROXY, username: 'user', password: 'hunter2-secret' };
const TARGET = { host: 'xmpp.example.org', port: 5222 };
const OK_REPLY = [5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90];

function bytes(...values: Array<number | string>): Buffer {
  return Buffer.concat(values.map((v) => (typeof v === 'string' ? Buffer.from(v) : Buffer.from([v]))));
}

/** Feeds a whole exchange one byte at a time, as the shortest possible reads. */
function feedBytewise(h: Socks5Handshake, data: number[]): HandshakeStep[] {
  return data.map((b) => h.receive(Buffer.from([b]))).filter((s) => s.kind !== 'wait');
}

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the handshake to fail');
}

describe('SOCKS5 handshake', () => {
  it('offers no authentication, then asks for CONNECT to the server by name (the proxy resolves it)', () => {
    const h = new Socks5Handshake(PROXY, TARGET);
    expect([...h.greeting()]).toEqual([5, 1, 0]);
    const request = h.receive(bytes(5, 0));
    expect(request.kind).toBe('send');
    expect(request.kind === 'send' && [...request.bytes]).toEqual([...bytes(5, 1, 0, 3, 16, 'xmpp.example.org', 0x14, 0x66)]);
    expect(h.receive(Buffer.from(OK_REPLY))).toEqual({ kind: 'open', rest: Buffer.alloc(0) });
  });

  it('logs in with user name and password (RFC 1929) when the proxy asks for it', () => {
    const h = new Socks5Handshake(WITH_LOGIN, TARGET);
    expect([...h.greeting()]).toEqual([5, 2, 0, 2]);
    const login = h.receive(bytes(5, 2));
    expect(login.kind === 'send' && [...login.bytes]).toEqual([...bytes(1, 4, 'user', 14, 'hunter2-secret')]);
    expect(h.receive(bytes(1, 0)).kind).toBe('send');
    expect(h.receive(bytes(5, 0, 0, 3, 5, 'proxy', 0, 80)).kind).toBe('open');
  });

  it('accepts a proxy that picks no authentication although a login was offered', () => {
    const h = new Socks5Handshake(WITH_LOGIN, TARGET);
    const request = h.receive(bytes(5, 0));
    expect(request.kind === 'send' && request.bytes[1]).toBe(1); // CONNECT, no login sent
  });

  it('copes with replies split into single bytes, and keeps what the server sent behind the reply', () => {
    const h = new Socks5Handshake(WITH_LOGIN, TARGET);
    const steps = [
      ...feedBytewise(h, [5, 2]),
      ...feedBytewise(h, [1, 0]),
      ...feedBytewise(h, [5, 0, 0, 4, ...Array<number>(16).fill(0), 0, 1]),
    ];
    expect(steps.map((s) => s.kind)).toEqual(['send', 'send', 'open']);
    const h2 = new Socks5Handshake(PROXY, TARGET);
    h2.receive(bytes(5, 0));
    const open = h2.receive(Buffer.concat([Buffer.from(OK_REPLY), Buffer.from('<stream:stream>')]));
    expect(open.kind === 'open' && open.rest.toString()).toBe('<stream:stream>');
  });

  it('waits for the whole of a 255-byte bound address, and accepts an empty one', () => {
    const h = new Socks5Handshake(PROXY, TARGET);
    h.receive(bytes(5, 0));
    const reply = [5, 0, 0, 3, 255, ...Array<number>(255).fill(0x61), 0, 1];
    expect(h.receive(Buffer.from(reply.slice(0, -1))).kind).toBe('wait');
    expect(h.receive(Buffer.from(reply.slice(-1))).kind).toBe('open');
    const empty = new Socks5Handshake(PROXY, TARGET);
    empty.receive(bytes(5, 0));
    expect(empty.receive(bytes(5, 0, 0, 3, 0, 0, 1)).kind).toBe('open');
  });

  it('sends an IP address as one (ATYP 1 / 4), never as a name', () => {
    const v4 = new Socks5Handshake(PROXY, { host: '192.0.2.7', port: 5222 }).receive(bytes(5, 0));
    expect(v4.kind === 'send' && [...v4.bytes]).toEqual([5, 1, 0, 1, 192, 0, 2, 7, 0x14, 0x66]);
    const v6 = new Socks5Handshake(PROXY, { host: '2001:db8::ff00:42:8329', port: 1 }).receive(bytes(5, 0));
    expect(v6.kind === 'send' && [...v6.bytes]).toEqual([5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29, 0, 1]);
    const mapped = new Socks5Handshake(PROXY, { host: '::ffff:1.2.3.4', port: 1 }).receive(bytes(5, 0));
    expect(mapped.kind === 'send' && [...mapped.bytes.subarray(4, 20)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
  });

  it('refuses what SOCKS5 cannot carry, naming the proxy', () => {
    expect(failure(() => new Socks5Handshake(PROXY, { host: 'a'.repeat(256), port: 5222 })).message)
      .toMatch(/^SOCKS5 proxy 127\.0\.0\.1:1080: the server name "a+" is 256 bytes; SOCKS5 takes 1 to 255\.$/);
    expect(failure(() => new Socks5Handshake(PROXY, { host: '', port: 5222 }))).toBeInstanceOf(Socks5Error);
    expect(failure(() => new Socks5Handshake(PROXY, { ...TARGET, port: 0 }))).toBeInstanceOf(Socks5Error);
    expect(failure(() => new Socks5Handshake({ ...PROXY, username: '' }, TARGET)).message).toMatch(/user name must be 1 to 255 bytes/);
    expect(failure(() => new Socks5Handshake({ ...PROXY, username: 'u', password: 'p'.repeat(256) }, TARGET)).message)
      .toMatch(/password must be 0 to 255 bytes/);
  });

  describe('hostile or broken replies', () => {
    const cases: Array<[string, Socks5Proxy, number[][], RegExp]> = [
      ['a SOCKS4 server', PROXY, [[4, 0]], /is not a SOCKS5 proxy \(it answered with version 4\)/],
      ['an HTTP proxy', PROXY, [[...Buffer.from('HTTP/1.1 400 Bad Request\r\n')]], /answered like an HTTP proxy/],
      ['garbage', PROXY, [[0xde, 0xad, 0xbe, 0xef]], /not a SOCKS5 proxy/],
      ['no acceptable method, no login configured', PROXY, [[5, 0xff]], /requires a log-in: set a user name and password for the proxy/],
      ['no acceptable method with a login', WITH_LOGIN, [[5, 0xff]], /accepts none of the offered ways to log in/],
      ['a method that was not offered', PROXY, [[5, 2]], /chose authentication method 0x02, which was not offered/],
      ['GSSAPI', WITH_LOGIN, [[5, 1]], /method 0x01, which was not offered/],
      ['a method selection with trailing bytes', PROXY, [[5, 0, 0]], /sent 3 bytes for a 2-byte method selection/],
      ['a huge method selection', PROXY, [[5, 0, ...Array<number>(1 << 20).fill(7)]], /sent 1048578 bytes for a 2-byte/],
      ['a refused login', WITH_LOGIN, [[5, 2], [1, 1]], /refused the user name and password \(status 1\)/],
      ['a login answer with the wrong version', WITH_LOGIN, [[5, 2], [5, 0]], /answered the log-in with version 5, expected 1/],
      ['a login answer with trailing bytes', WITH_LOGIN, [[5, 2], [1, 0, 5]], /sent 3 bytes for a 2-byte log-in answer/],
      ['a CONNECT reply with the wrong version', PROXY, [[5, 0], [4, 0, 0, 1]], /answered CONNECT with version 4, expected 5/],
      ['CONNECT not allowed', PROXY, [[5, 0], [5, 2]], /refused the connection to xmpp\.example\.org:5222: connection not allowed by its rules \(reply 2\)/],
      ['CONNECT refused', PROXY, [[5, 0], [5, 5, 0, 1, 0, 0, 0, 0, 0, 0]], /refused the connection to xmpp\.example\.org:5222: connection refused by the destination \(reply 5\)/],
      ['an unknown reply code', PROXY, [[5, 0], [5, 0x42]], /unknown reply code \(reply 66\)/],
      ['an unknown address type', PROXY, [[5, 0], [5, 0, 0, 9, 0]], /unknown address type 9/],
    ];
    for (const [what, proxy, replies, expected] of cases) {
      it(`fails clearly on ${what}`, () => {
        const h = new Socks5Handshake(proxy, TARGET);
        const err = failure(() => {
          for (const reply of replies) h.receive(Buffer.from(reply));
        });
        expect(err).toBeInstanceOf(Socks5Error);
        expect(err.message).toMatch(/^SOCKS5 proxy 127\.0\.0\.1:1080 /);
        expect(err.message).toMatch(expected);
        expect(err.message).not.toContain('hunter2');
        expect(() => h.receive(bytes(5, 0)), 'a failed handshake must stay failed').toThrow(/after the handshake failed/);
      });
    }

    it('fails on the first wrong byte, before the rest of a reply arrives', () => {
      const h = new Socks5Handshake(PROXY, TARGET);
      expect(() => h.receive(bytes(0x16))).toThrow(/not a SOCKS5 proxy/);
      const h2 = new Socks5Handshake(PROXY, TARGET);
      h2.receive(bytes(5, 0));
      expect(h2.receive(bytes(5)).kind).toBe('wait');
      expect(() => h2.receive(bytes(1))).toThrow(/general SOCKS server failure \(reply 1\)/);
    });
  });
});

// ---- the socket, against real sockets on 127.0.0.1 ----

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** A TCP server on 127.0.0.1 that does whatever `onClient` does with each connection. */
async function rawServer(onClient: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onClient(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port on which nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const port = await rawServer(() => {});
  await cleanup.pop()?.();
  return port;
}

interface Outcome {
  event: 'connect' | 'error';
  error?: Error;
  /** Data events the subscriber saw before the outcome: must be none. */
  dataBefore: number;
  /** 'connect' events the early subscriber saw by then. */
  connects: number;
  elapsedMs: number;
}

/**
 * Subscribes like @xmpp/connection does (data, connect and error before connect(), then a promise on
 * 'connect' right after it) and reports what the subscriber saw first.
 */
function connectThrough(proxy: Socks5Proxy, target: { host: string; port: number }, timeoutMs = 2_000, onData?: (data: Buffer) => void): { socket: Socks5Socket; outcome: Promise<Outcome> } {
  const socket = new Socks5Socket(proxy, timeoutMs);
  cleanup.push(() => socket.destroy());
  const started = Date.now();
  let dataBefore = 0;
  let connects = 0;
  socket.on('data', (data: Buffer) => {
    if (connects === 0) dataBefore++;
    onData?.(data);
  });
  socket.on('connect', () => connects++);
  socket.on('error', () => {});
  socket.connect(target);
  const outcome = new Promise<Outcome>((resolve) => {
    socket.once('connect', () => resolve({ event: 'connect', dataBefore, elapsedMs: Date.now() - started, connects }));
    socket.once('error', (error) => resolve({ event: 'error', error, dataBefore, elapsedMs: Date.now() - started, connects }));
  });
  return { socket, outcome };
}

describe('Socks5Socket', () => {
  it('opens a tunnel through the test proxy: connect once, then a plain byte stream; the proxy saw the name', async () => {
    const echo = await rawServer((s) => s.pipe(s));
    const proxy = await startSocks5({ username: 'user', password: 'pw' });
    cleanup.push(() => proxy.dispose());
    const { socket, outcome } = connectThrough({ host: proxy.host, port: proxy.port, username: 'user', password: 'pw' }, { host: 'localhost', port: echo });
    expect(await outcome).toMatchObject({ event: 'connect', dataBefore: 0, connects: 1 });
    const echoed = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('ping through the tunnel');
    expect(await echoed).toBe('ping through the tunnel');
    expect(proxy.targets).toEqual([{ host: 'localhost', port: echo, addressType: 'domain' }]);
  });

  it('reports a proxy that is not running as refusing the connection, at once', async () => {
    const port = await closedPort();
    const { outcome } = connectThrough({ host: '127.0.0.1', port }, TARGET);
    const result = await outcome;
    expect(result.event).toBe('error');
    expect(result.error).toBeInstanceOf(Socks5Error);
    expect(result.error?.message).toBe(`SOCKS5 proxy 127.0.0.1:${port} refused the connection: nothing accepts connections there (ECONNREFUSED).`);
    expect((result.error as unknown as { code?: string }).code, 'a code would be read as the XMPP server failing').toBeUndefined();
  });

  it('gives up on a proxy that accepts but never answers, within its timeout', async () => {
    const port = await rawServer(() => {});
    const { outcome } = connectThrough({ host: '127.0.0.1', port }, TARGET, 300);
    const result = await outcome;
    expect(result.error?.message).toBe(`SOCKS5 proxy 127.0.0.1:${port} did not open the tunnel within 300 ms (it was to send its choice of authentication method).`);
    expect(result.elapsedMs).toBeLessThan(1_500);
  });

  it('reports a proxy that hangs up in the middle of the handshake', async () => {
    const port = await rawServer((s) => s.once('data', () => s.end(Buffer.from([5, 0]))));
    const { outcome } = connectThrough({ host: '127.0.0.1', port }, TARGET);
    expect((await outcome).error?.message)
      .toMatch(/^SOCKS5 proxy 127\.0\.0\.1:\d+ closed the connection while we waited for its answer to CONNECT xmpp\.example\.org:5222/);
  });

  it('never lets proxy bytes reach the subscriber: garbage is an error, not data', async () => {
    const port = await rawServer((s) => s.once('data', () => s.write(Buffer.from('<stream:stream xmlns="jabber:client">'))));
    const { outcome } = connectThrough({ host: '127.0.0.1', port }, TARGET);
    const result = await outcome;
    expect(result).toMatchObject({ event: 'error', dataBefore: 0, connects: 0 });
    expect(result.error?.message).toMatch(/is not a SOCKS5 proxy/);
  });

  it('passes on what the server sent right behind the proxy reply, after connect', async () => {
    const port = await rawServer((s) => {
      s.once('data', () => {
        s.write(Buffer.from([5, 0]));
        s.once('data', () => s.write(Buffer.concat([Buffer.from(OK_REPLY), Buffer.from('early')])));
      });
    });
    const seen: string[] = [];
    const { outcome } = connectThrough({ host: '127.0.0.1', port }, TARGET, 2_000, (d) => seen.push(d.toString()));
    expect(await outcome).toMatchObject({ event: 'connect', dataBefore: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['early']);
  });

  it('ends quietly when destroyed mid-handshake (a stopped login): close, no error', async () => {
    let accepted: () => void = () => {};
    const reached = new Promise<void>((resolve) => (accepted = resolve));
    const port = await rawServer(() => accepted());
    const socket = new Socks5Socket({ host: '127.0.0.1', port }, 60_000);
    const errors: Error[] = [];
    socket.on('error', (e) => errors.push(e));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.connect(TARGET);
    await reached;
    socket.destroy();
    await closed;
    expect(errors).toEqual([]);
  });

  it('fails asynchronously, like a socket, on a target SOCKS5 cannot carry', async () => {
    const { outcome } = connectThrough(PROXY, { host: 'x'.repeat(300), port: 5222 });
    expect((await outcome).error?.message).toMatch(/is 300 bytes; SOCKS5 takes 1 to 255/);
  });
});
