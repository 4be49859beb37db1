// An XMPP transport whose socket goes through a SOCKS5 proxy. @xmpp/connection creates the socket,
// subscribes to it, calls connect({host, port}) and waits for 'connect'. Socks5Socket connects to the
// proxy instead, runs the handshake of socks5.ts, and only then emits 'connect': until the tunnel is
// open its 'connect' and 'data' events belong to the handshake, so no proxy byte reaches the XMPP
// parser, and every failure reaches the connection as one Socks5Error naming the proxy. Once open it
// is the plain TCP stream to the server, so STARTTLS (connection.ts) runs end to end through it.
import net from 'node:net';
import type { Client } from '@xmpp/client-core';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import { describeProxy, Socks5Error, Socks5Handshake, type Socks5Proxy } from './socks5.js';

export interface Socks5TransportOptions {
  proxy: Socks5Proxy;
  /**
   * The login timeout of the connection. The tunnel must be open within three quarters of it, so a
   * stalled proxy is reported as the proxy's fault rather than as a slow login.
   */
  loginTimeoutMs: number;
}

/**
 * Makes `entity` reach xmpp:// services only through the proxy. Use it instead of @xmpp/tcp, not
 * beside it: with both registered a bug could fall back to a direct connection around the proxy.
 */
export function socks5Transport(entity: Client, options: Socks5TransportOptions): void {
  const timeoutMs = Math.max(1, Math.floor((options.loginTimeoutMs * 3) / 4));
  class Socket extends Socks5Socket {
    constructor() {
      super(options.proxy, timeoutMs);
    }
  }
  class Socks5Connection extends ConnectionTCP {}
  Socks5Connection.prototype.Socket = Socket;
  entity.transports.push(Socks5Connection);
}

type Phase = 'idle' | 'handshake' | 'open' | 'failed';

/**
 * A TCP socket to the XMPP server through the proxy: its own connection is to the proxy, so once the
 * tunnel is open TLS can take it over like any socket. Until then the handshake owns the 'connect',
 * 'ready', 'data' and 'end' events (emit below) and every error is a Socks5Error (_destroy below).
 */
export class Socks5Socket extends net.Socket {
  /** Read by @xmpp/connection's isSecure(): TLS starts later, through the tunnel. */
  readonly secure = false;
  private phase: Phase = 'idle';
  private reachedProxy = false;
  private handshake: Socks5Handshake | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** A read asked for while connecting to the proxy (see _read). */
  private pendingRead: number | null = null;
  private readonly name: string;

  constructor(private readonly proxy: Socks5Proxy, private readonly timeoutMs: number) {
    super();
    this.name = `SOCKS5 proxy ${describeProxy(proxy)}`;
  }

  /** Called by @xmpp/connection with the XMPP server's {host, port}: connects to the proxy instead. */
  override connect(target: unknown): this {
    if (this.phase !== 'idle') throw new Error('a Socks5Socket connects once');
    const { host, port } = (target ?? {}) as { host?: unknown; port?: unknown };
    if (typeof host !== 'string' || typeof port !== 'number') throw new TypeError('Socks5Socket.connect takes {host, port}');
    this.phase = 'handshake';
    try {
      this.handshake = new Socks5Handshake(this.proxy, { host, port });
    } catch (err) {
      // Like a socket that cannot connect: the error comes after connect() has returned.
      process.nextTick(() => this.fail(err));
      return this;
    }
    this.timer = setTimeout(() => this.fail(new Socks5Error(this.reachedProxy
      ? `${this.name} did not open the tunnel within ${this.timeoutMs} ms (it was to send ${this.handshake?.waitingFor}).`
      : `${this.name} did not accept the connection within ${this.timeoutMs} ms.`)), this.timeoutMs);
    return super.connect({ host: this.proxy.host, port: this.proxy.port });
  }

  /**
   * Until the tunnel is open, the connection to the proxy is not the connection to the server: its
   * 'connect' and bytes go to the handshake, and the subscribers (@xmpp/connection subscribes both
   * before and right after connect()) get one 'connect' when the tunnel opens, then the server's bytes.
   * Nothing else may write before that 'connect' (@xmpp/connection does not): such bytes would land in
   * the handshake.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of EventEmitter.emit
  override emit(event: string | symbol, ...args: any[]): boolean {
    if (this.phase === 'open' || this.phase === 'idle') return super.emit(event, ...args);
    switch (event) {
      case 'connect':
        this.onProxyConnected();
        return true;
      case 'ready':
        return true;
      case 'data':
        this.onHandshakeData(args[0] as Buffer);
        return true;
      case 'end':
        if (this.phase === 'handshake') {
          this.fail(new Socks5Error(`${this.name} closed the connection while we waited for ${this.handshake?.waitingFor ?? 'it'}.`));
        }
        return true;
      default:
        return super.emit(event, ...args);
    }
  }

  /**
   * net.Socket defers a read asked for while connecting to its 'connect' event, which the handshake
   * holds back; the handshake must read from the proxy, so the read starts when the proxy answers.
   */
  override _read(size: number): void {
    if (this.phase === 'handshake' && this.connecting) {
      this.pendingRead = size;
      return;
    }
    super._read(size);
  }

  /** Every error before the tunnel is open becomes a Socks5Error (net reports all of them through here). */
  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (this.phase === 'handshake') this.phase = 'failed';
    this.clearTimer();
    super._destroy(err && this.phase === 'failed' ? this.explain(err) : err, callback);
  }

  private onProxyConnected(): void {
    if (this.phase !== 'handshake' || !this.handshake) return;
    this.reachedProxy = true;
    this.write(this.handshake.greeting());
    if (this.pendingRead !== null) {
      const size = this.pendingRead;
      this.pendingRead = null;
      super._read(size);
    }
  }

  private onHandshakeData(chunk: Buffer): void {
    if (this.phase !== 'handshake' || !this.handshake) return;
    let step;
    try {
      step = this.handshake.receive(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (step.kind === 'send') {
      this.write(step.bytes);
    } else if (step.kind === 'open') {
      this.phase = 'open';
      this.clearTimer();
      this.emit('connect');
      this.emit('ready');
      // Bytes the server sent right behind the proxy's reply belong to the XMPP stream.
      if (step.rest.length > 0) this.emit('data', step.rest);
    }
  }

  private fail(err: unknown): void {
    if (this.phase !== 'handshake') return;
    this.clearTimer();
    this.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  /** A failure before the tunnel is open, in words that name the proxy (never its password). */
  private explain(err: Error): Socks5Error {
    if (err instanceof Socks5Error) return err;
    const code = (err as NodeJS.ErrnoException).code;
    const name = this.name;
    let message: string;
    switch (code) {
      case 'ECONNREFUSED':
        message = `${name} refused the connection: nothing accepts connections there (ECONNREFUSED).`;
        break;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        message = `${name} could not be found (DNS, ${code}).`;
        break;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        message = `${name} is unreachable from this network (${code}).`;
        break;
      case 'ECONNRESET':
      case 'EPIPE':
        message = `${name} closed the connection while we waited for ${this.handshake?.waitingFor ?? 'it'} (${code}).`;
        break;
      default:
        message = `${name} failed: ${err.message}`;
    }
    return new Socks5Error(message, code, { cause: err });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
