// A small SOCKS5 server for tests (RFC 1928 CONNECT, RFC 1929 user name/password): a real proxy on
// 127.0.0.1 that tunnels to wherever it is asked, so a test can put it between a client and a real
// server and see that the traffic went through it. It is a test tool, not a fake of any network:
//
//   const proxy = await startSocks5({ username: 'u', password: 'p' });   // 127.0.0.1:<free port>
//   proxy.connections;  proxy.targets;     // what clients did: connections, CONNECT requests
//   proxy.refuse(5);   proxy.stall();  proxy.serve();   // answer CONNECT with reply 5, never answer, work
//   await proxy.stop();  await proxy.start();   // down (every tunnel cut) and up again on the same port
//   await proxy.dispose();
//
// Bounded: a handshake must finish within handshakeTimeoutMs, a handshake message is at most a few
// hundred bytes, at most maxConnections clients at once, and stop() cuts every socket it opened.
import net from 'node:net';

export interface Socks5Options {
  /** When set, clients must log in with these (RFC 1929); otherwise no authentication. */
  username?: string;
  password?: string;
  /** A client (or a destination) that takes longer than this is cut. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** Default 64. */
  maxConnections?: number;
}

export interface Socks5Request {
  host: string;
  port: number;
  /** How the client named the destination: 'domain' means the proxy resolved it. */
  addressType: 'ipv4' | 'domain' | 'ipv6';
}

export interface Socks5Server {
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted since start (across stop/start). */
  readonly connections: number;
  /** Log-ins refused for a wrong user name or password. */
  readonly authFailures: number;
  /** Every CONNECT request, in order, whether granted or not. */
  readonly targets: readonly Socks5Request[];
  /** Tunnels open right now. */
  readonly openTunnels: number;
  /** Answer every CONNECT with this RFC 1928 reply code (2 not allowed, 5 refused, …) and hang up. */
  refuse(reply: number): void;
  /** Accept connections but never answer: a proxy that hangs. */
  stall(): void;
  /** Back to tunnelling. */
  serve(): void;
  /** Stops listening and cuts every connection; the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

type Mode = { kind: 'serve' } | { kind: 'refuse'; reply: number } | { kind: 'stall' };

const MAX_HANDSHAKE_BYTES = 1 + 1 + 255 + 1 + 255 + 262;

export async function startSocks5(options: Socks5Options = {}): Promise<Socks5Server> {
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5_000;
  const auth = options.username !== undefined ? { username: options.username, password: options.password ?? '' } : null;
  const sockets = new Set<net.Socket>();
  const targets: Socks5Request[] = [];
  let connections = 0;
  let authFailures = 0;
  let openTunnels = 0;
  let mode: Mode = { kind: 'serve' };
  let port = 0;
  let server: net.Server | null = null;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  }

  function handle(client: net.Socket): void {
    track(client);
    connections++;
    const timer = setTimeout(() => client.destroy(), handshakeTimeoutMs);
    client.on('close', () => clearTimeout(timer));
    if (mode.kind === 'stall') return;
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'done' = 'greeting';
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length > MAX_HANDSHAKE_BYTES) return void client.destroy();
      for (;;) {
        const used = step();
        if (used === 0 || stage === 'done') break;
        buffer = buffer.subarray(used);
      }
    };
    /** Handles one complete message at the front of the buffer; returns its length, 0 when incomplete. */
    const step = (): number => {
      const b = buffer;
      if (stage === 'greeting') {
        if (b.length < 2) return 0;
        if (b[0] !== 5) return hangUp();
        const n = b[1] ?? 0;
        if (b.length < 2 + n) return 0;
        const offered = [...b.subarray(2, 2 + n)];
        const wanted = auth ? 0x02 : 0x00;
        if (!offered.includes(wanted)) return finish(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, wanted]));
        stage = auth ? 'auth' : 'request';
        return 2 + n;
      }
      if (stage === 'auth') {
        if (b.length < 2) return 0;
        if (b[0] !== 1) return hangUp();
        const ulen = b[1] ?? 0;
        if (b.length < 2 + ulen + 1) return 0;
        const plen = b[2 + ulen] ?? 0;
        const total = 2 + ulen + 1 + plen;
        if (b.length < total) return 0;
        const username = b.subarray(2, 2 + ulen).toString('utf8');
        const password = b.subarray(3 + ulen, total).toString('utf8');
        if (username !== auth?.username || password !== auth.password) {
          authFailures++;
          return finish(Buffer.from([1, 1]));
        }
        client.write(Buffer.from([1, 0]));
        stage = 'request';
        return total;
      }
      // request: VER CMD RSV ATYP DST.ADDR DST.PORT
      if (b.length < 5) return 0;
      if (b[0] !== 5) return hangUp();
      const atyp = b[3];
      const addrLength = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + (b[4] ?? 0) : -1;
      if (addrLength < 0) return reply(8);
      const total = 4 + addrLength + 2;
      if (b.length < total) return 0;
      const addr = b.subarray(4, 4 + addrLength);
      const request: Socks5Request = {
        host: atyp === 1 ? [...addr].join('.') : atyp === 3 ? addr.subarray(1).toString('utf8') : ipv6(addr),
        port: b.readUInt16BE(4 + addrLength),
        addressType: atyp === 1 ? 'ipv4' : atyp === 3 ? 'domain' : 'ipv6',
      };
      targets.push(request);
      stage = 'done';
      client.off('data', onData);
      if (b[1] !== 1) return reply(7);
      if (mode.kind === 'refuse') return reply(mode.reply);
      tunnel(client, request, b.subarray(total), timer);
      return total;
    };
    const reply = (code: number): number => finish(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
    /** Answers and hangs up; the handshake timer cuts a client that does not hang up too. */
    const finish = (answer: Buffer): number => {
      client.end(answer);
      stage = 'done';
      return 1;
    };
    const hangUp = (): number => {
      client.destroy();
      stage = 'done';
      return 1;
    };
    client.on('data', onData);
  }

  function tunnel(client: net.Socket, request: Socks5Request, early: Buffer, timer: NodeJS.Timeout): void {
    client.pause();
    const upstream = net.connect({ host: request.host, port: request.port });
    track(upstream);
    upstream.setTimeout(handshakeTimeoutMs, () => upstream.destroy());
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ECONNREFUSED' ? 5 : ['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(err.code ?? '') ? 4 : 1;
      if (!client.destroyed) client.end(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      clearTimeout(timer);
      openTunnels++;
      upstream.once('close', () => openTunnels--);
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      if (early.length > 0) upstream.write(early);
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.on('close', () => client.destroy());
    });
    client.on('close', () => upstream.destroy());
  }

  async function listen(): Promise<void> {
    const s = net.createServer(handle);
    s.maxConnections = options.maxConnections ?? 64;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    });
    const address = s.address();
    port = typeof address === 'object' && address ? address.port : 0;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get connections() {
      return connections;
    },
    get authFailures() {
      return authFailures;
    },
    get targets() {
      return targets;
    },
    get openTunnels() {
      return openTunnels;
    },
    refuse: (reply) => void (mode = { kind: 'refuse', reply }),
    stall: () => void (mode = { kind: 'stall' }),
    serve: () => void (mode = { kind: 'serve' }),
    stop,
    start: async () => {
      if (!server) await listen();
    },
    dispose: stop,
  };
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}
