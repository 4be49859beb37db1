// Keeps one account connected until stopped: a fresh XmppConnection per attempt, capped exponential
// backoff with full jitter between attempts, and no retry for failures retrying cannot fix
// (wrong password, untrusted certificate). Every state change goes out through hooks.setState.
import type { ConnectionState } from '../adapter.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Session, XmppConnection } from './connection.js';
import { classifyFailure } from './errors.js';

export interface KeeperHooks {
  /** A new connection with the adapter's handlers attached. */
  create(): XmppConnection;
  /**
   * The connection is logged in: make the account available. Resolves when others' messages will
   * arrive live (initial presence processed); only then does the state become 'online'. Work that
   * may go on afterwards (the archive catch-up) keeps running in the background.
   */
  prepare(connection: XmppConnection, session: Session): Promise<void>;
  /** The connection (online or still logging in) is gone. */
  lost(reason: string): void;
  /** No more attempts will be made (fatal failure or stop). */
  gaveUp(): void;
  setState(state: ConnectionState): void;
  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

export class ConnectionKeeper {
  private running = false;
  private current: XmppConnection | null = null;
  private isOnline = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private firstSettled: (() => void) | null = null;

  constructor(
    private readonly hooks: KeeperHooks,
    private readonly backoff: BackoffOptions,
    private readonly now: () => number,
    private readonly server: string,
  ) {}

  /** The connection that is online, or null. */
  get online(): XmppConnection | null {
    return this.isOnline ? this.current : null;
  }

  /** Drops the current connection (online or logging in), e.g. when the server stopped answering. */
  drop(reason: string): void {
    this.current?.destroy(reason);
  }

  /** Starts; resolves once the first attempt has settled (online, retry scheduled, or given up). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const settled = new Promise<void>((resolve) => (this.firstSettled = resolve));
    this.loop = this.run();
    await settled;
  }

  /** Stops retrying and closes the connection (cleanly when online); resolves when all is quiet. */
  async stop(): Promise<boolean> {
    const wasRunning = this.running;
    this.running = false;
    this.wake?.();
    const connection = this.current;
    if (connection) {
      if (this.isOnline) await connection.close();
      else connection.destroy('disconnected by the user');
    }
    await this.loop;
    this.loop = null;
    return wasRunning;
  }

  private async run(): Promise<void> {
    try {
      await this.keepConnected();
    } catch (err) {
      // A bug, not a network condition: say so instead of leaving a silent, dead account.
      this.running = false;
      this.hooks.log('warn', 'the connection loop failed', { error: String(err) });
      this.hooks.setState({ kind: 'offline', reason: 'protocol-error', detail: `Internal error: ${String(err)}` });
    } finally {
      this.isOnline = false;
      this.current = null;
      this.hooks.gaveUp();
      this.settleFirst();
    }
  }

  private async keepConnected(): Promise<void> {
    let attempt = 0;
    while (this.running) {
      if (attempt === 0) this.hooks.setState({ kind: 'connecting' });
      const connection = this.hooks.create();
      this.current = connection;
      let retryReason: string;
      try {
        const session = await connection.open();
        if (!this.running) {
          await connection.close();
          break;
        }
        const prepared = this.hooks.prepare(connection, session).then(() => true);
        const available = await Promise.race([prepared, connection.closed.then(() => false)]);
        if (available && this.running) {
          attempt = 0;
          this.isOnline = true;
          this.hooks.log('info', session.resumed ? 'session resumed' : 'online');
          this.hooks.setState({ kind: 'online' });
          this.settleFirst();
        }
        retryReason = await connection.closed;
        this.isOnline = false;
        this.current = null;
        this.hooks.lost(retryReason);
        if (!this.running) break;
        this.hooks.log('info', 'connection lost', { reason: retryReason });
      } catch (err) {
        this.current = null;
        connection.destroy();
        this.hooks.lost('login failed');
        if (!this.running) break;
        const failure = classifyFailure(err, this.server);
        if ('fatal' in failure) {
          this.running = false;
          this.hooks.log('warn', 'login failed, not retrying', { reason: failure.fatal.reason, detail: failure.fatal.message });
          this.hooks.setState({ kind: 'offline', reason: failure.fatal.reason, detail: failure.fatal.message });
          break;
        }
        retryReason = failure.retry;
        this.hooks.log('info', 'connection attempt failed', { reason: retryReason });
      }
      attempt++;
      const delay = backoffDelay(attempt, this.backoff);
      this.hooks.setState({ kind: 'reconnecting', attempt, retryAt: this.now() + delay, reason: retryReason });
      this.settleFirst();
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = null;
    });
  }

  private settleFirst(): void {
    this.firstSettled?.();
    this.firstSettled = null;
  }
}
