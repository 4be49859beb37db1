// The client side of a SOCKS5 handshake (RFC 1928 CONNECT, RFC 1929 user name/password), without
// I/O: bytes from the proxy go in, bytes to send (or "the tunnel is open") come out. The target is
// sent by name (ATYP domain name) so the proxy resolves it and no DNS query leaves around the proxy.
// Every reply is bounded: at most 262 bytes are ever buffered, and anything malformed is an error
// that names the proxy. socks5-transport.ts runs this over a socket.
import net from 'node:net';

export interface Socks5Proxy {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export interface Socks5Target {
  host: string;
  port: number;
}

/**
 * A proxy failure, with a message that names the proxy and never holds the password. It carries no
 * `code` on purpose: the adapter reads codes such as ECONNREFUSED as the XMPP server's own failures.
 */
export class Socks5Error extends Error {
  constructor(message: string, readonly socketCode?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Socks5Error';
  }
}

/** "host:port" of the proxy as shown to the user, with IPv6 in brackets. */
export function describeProxy(proxy: { host: string; port: number }): string {
  return hostPort(proxy.host, proxy.port);
}

function hostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

const VERSION = 0x05;
const AUTH_VERSION = 0x01;
const METHOD_NONE = 0x00;
const METHOD_PASSWORD = 0x02;
const NO_ACCEPTABLE_METHOD = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

/** RFC 1928 §6, in words. */
const REPLY_TEXT: Record<number, string> = {
  0x01: 'general SOCKS server failure',
  0x02: 'connection not allowed by its rules',
  0x03: 'network unreachable',
  0x04: 'host unreachable',
  0x05: 'connection refused by the destination',
  0x06: 'TTL expired',
  0x07: 'CONNECT not supported',
  0x08: 'address type not supported',
};

export type HandshakeStep =
  | { kind: 'send'; bytes: Buffer }
  | { kind: 'wait' }
  /** The tunnel is open; `rest` is what the destination already sent through it. */
  | { kind: 'open'; rest: Buffer };

type Stage = 'method' | 'auth' | 'reply' | 'open' | 'failed';

export class Socks5Handshake {
  private stage: Stage = 'method';
  private buffered: Buffer = Buffer.alloc(0);
  private readonly name: string;
  private readonly request: Buffer;
  private readonly credentials: { username: Buffer; password: Buffer } | null;

  /** Throws a Socks5Error when the target or the credentials cannot be expressed in SOCKS5. */
  constructor(proxy: Socks5Proxy, private readonly target: Socks5Target) {
    this.name = `SOCKS5 proxy ${describeProxy(proxy)}`;
    this.request = connectRequest(target, this.name);
    this.credentials = proxy.username === undefined && proxy.password === undefined ? null : {
      username: field(proxy.username ?? '', 'user name', 1, this.name),
      password: field(proxy.password ?? '', 'password', 0, this.name),
    };
  }

  /** The client's first message: the authentication methods it offers. */
  greeting(): Buffer {
    return Buffer.from(this.credentials ? [VERSION, 2, METHOD_NONE, METHOD_PASSWORD] : [VERSION, 1, METHOD_NONE]);
  }

  /** Feeds bytes from the proxy, in whatever pieces they arrived. Throws a Socks5Error. */
  receive(chunk: Buffer): HandshakeStep {
    if (this.stage === 'open' || this.stage === 'failed') throw new Error(`receive() after the handshake ${this.stage === 'open' ? 'completed' : 'failed'}`);
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      return this.step();
    } catch (err) {
      this.stage = 'failed';
      throw err;
    }
  }

  /** What the proxy was doing when the handshake stopped, for an error message. */
  get waitingFor(): string {
    switch (this.stage) {
      case 'method': return 'its choice of authentication method';
      case 'auth': return 'its answer to the user name and password';
      case 'reply': return `its answer to CONNECT ${hostPort(this.target.host, this.target.port)}`;
      default: return 'nothing';
    }
  }

  private step(): HandshakeStep {
    const b = this.buffered;
    switch (this.stage) {
      case 'method': {
        if (b.length >= 1 && b[0] !== VERSION) throw this.notSocks5(b);
        if (b.length < 2) return { kind: 'wait' };
        this.exactly(2, 'method selection');
        const method = b[1];
        this.buffered = Buffer.alloc(0);
        if (method === METHOD_NONE) return this.sendRequest();
        if (method === METHOD_PASSWORD && this.credentials) {
          this.stage = 'auth';
          const { username, password } = this.credentials;
          return { kind: 'send', bytes: Buffer.concat([Buffer.from([AUTH_VERSION, username.length]), username, Buffer.from([password.length]), password]) };
        }
        if (method === NO_ACCEPTABLE_METHOD) {
          throw new Socks5Error(this.credentials
            ? `${this.name} accepts none of the offered ways to log in (none, user name and password).`
            : `${this.name} requires a log-in: set a user name and password for the proxy.`);
        }
        throw new Socks5Error(`${this.name} chose authentication method 0x${hex(method)}, which was not offered.`);
      }
      case 'auth': {
        if (b.length >= 1 && b[0] !== AUTH_VERSION) {
          throw new Socks5Error(`${this.name} answered the log-in with version ${b[0]}, expected ${AUTH_VERSION} (RFC 1929).`);
        }
        if (b.length < 2) return { kind: 'wait' };
        this.exactly(2, 'log-in answer');
        if (b[1] !== 0x00) throw new Socks5Error(`${this.name} refused the user name and password (status ${b[1]}).`);
        this.buffered = Buffer.alloc(0);
        return this.sendRequest();
      }
      case 'reply': {
        if (b.length >= 1 && b[0] !== VERSION) throw new Socks5Error(`${this.name} answered CONNECT with version ${b[0]}, expected ${VERSION}.`);
        if (b.length >= 2 && b[1] !== 0x00) {
          const code = b[1] ?? 0;
          const text = REPLY_TEXT[code] ?? 'unknown reply code';
          throw new Socks5Error(`${this.name} refused the connection to ${hostPort(this.target.host, this.target.port)}: ${text} (reply ${code}).`);
        }
        if (b.length < 5) return { kind: 'wait' };
        // VER REP RSV ATYP BND.ADDR BND.PORT; RSV is not checked, as most clients do.
        const length = replyLength(b[3] ?? 0, b[4] ?? 0);
        if (length === null) throw new Socks5Error(`${this.name} answered CONNECT with an unknown address type ${b[3]}.`);
        if (b.length < length) return { kind: 'wait' };
        this.stage = 'open';
        this.buffered = Buffer.alloc(0);
        return { kind: 'open', rest: b.subarray(length) };
      }
      default:
        throw new Error(`unexpected handshake stage ${this.stage}`);
    }
  }

  private sendRequest(): HandshakeStep {
    this.stage = 'reply';
    return { kind: 'send', bytes: this.request };
  }

  /** Before our next request the proxy must wait for it: more bytes than its answer is a broken proxy. */
  private exactly(length: number, what: string): void {
    if (this.buffered.length > length) {
      throw new Socks5Error(`${this.name} sent ${this.buffered.length} bytes for a ${length}-byte ${what}.`);
    }
  }

  private notSocks5(b: Buffer): Socks5Error {
    const http = 'HTTP/'.startsWith(b.subarray(0, 5).toString('latin1'));
    return new Socks5Error(http
      ? `${this.name} answered like an HTTP proxy, not a SOCKS5 proxy.`
      : `${this.name} is not a SOCKS5 proxy (it answered with version ${b[0]}).`);
  }
}

/** Total length of a CONNECT reply with this address type, or null for an unknown type. */
function replyLength(atyp: number, fifthByte: number): number | null {
  switch (atyp) {
    case ATYP_IPV4: return 4 + 4 + 2;
    case ATYP_DOMAIN: return 4 + 1 + fifthByte + 2;
    case ATYP_IPV6: return 4 + 16 + 2;
    default: return null;
  }
}

function connectRequest(target: Socks5Target, name: string): Buffer {
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw new Socks5Error(`${name}: cannot connect to port ${target.port}.`);
  }
  const port = Buffer.alloc(2);
  port.writeUInt16BE(target.port);
  const head = Buffer.from([VERSION, CMD_CONNECT, 0x00]);
  if (net.isIPv4(target.host)) {
    return Buffer.concat([head, Buffer.from([ATYP_IPV4, ...target.host.split('.').map(Number)]), port]);
  }
  if (net.isIPv6(target.host)) {
    return Buffer.concat([head, Buffer.from([ATYP_IPV6]), ipv6Bytes(target.host), port]);
  }
  const host = Buffer.from(target.host, 'utf8');
  if (host.length < 1 || host.length > 255) {
    throw new Socks5Error(`${name}: the server name "${target.host.slice(0, 64)}" is ${host.length} bytes; SOCKS5 takes 1 to 255.`);
  }
  return Buffer.concat([head, Buffer.from([ATYP_DOMAIN, host.length]), host, port]);
}

function ipv6Bytes(address: string): Buffer {
  // Already checked by net.isIPv6: groups of hex, at most one "::", maybe a dotted IPv4 tail.
  const [head = '', tail = ''] = (address.split('%')[0] ?? '').split('::');
  const groups = (s: string): number[] => (s ? s.split(':') : []).flatMap((g) => {
    if (!g.includes('.')) return [parseInt(g, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
  const front = groups(head);
  const back = groups(tail);
  const all = address.includes('::') ? [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back] : front;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

function field(value: string, what: string, min: number, name: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < min || bytes.length > 255) {
    throw new Socks5Error(`${name}: the ${what} must be ${min} to 255 bytes long (RFC 1929).`);
  }
  return bytes;
}

function hex(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0');
}
