// Helpers shared by the XMPP and interop integration tests: an in-memory AdapterContext, an event
// recorder with waits that fail with a message saying what never happened, polling with a named
// failure, and adapter construction against the private Prosody of test/servers/prosody.ts.
import type {
  AccountSettings, AdapterContext, AdapterEvent, AdapterState, ConnectionState, IncomingMessage, Logger, ProtocolAdapter,
} from '../adapter.js';
import type { ProsodyServer } from '../../test/servers/prosody.js';
import xml from '@xmpp/xml';
import { XmppAdapter, type XmppAdapterOptions } from './index.js';
import { XmppConnection } from './connection.js';
import { StreamManagement } from './stream-management.js';

export const FAST_RECONNECT = { baseMs: 50, maxMs: 400 };

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export function memoryState(): AdapterState & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (key) => data.get(key),
    set: (key, value) => void data.set(key, value),
    delete: (key) => void data.delete(key),
  };
}

export function memoryContext(state: AdapterState = memoryState()): AdapterContext & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, state, now: () => Date.now(), lines };
}

export class Recorder {
  readonly events: AdapterEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(adapter: { onEvent(l: (e: AdapterEvent) => void): () => void }) {
    adapter.onEvent((event) => {
      this.events.push(event);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  messages(filter: (m: IncomingMessage) => boolean = () => true): IncomingMessage[] {
    return this.events.flatMap((e) => (e.type === 'message' && filter(e.message) ? [e.message] : []));
  }

  states(): ConnectionState[] {
    return this.events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  }

  /** Resolves with the first recorded event (past or future) that matches, or fails naming `what`. */
  async waitFor<T extends AdapterEvent>(what: string, match: (e: AdapterEvent) => e is T, timeoutMs?: number): Promise<T>;
  async waitFor(what: string, match: (e: AdapterEvent) => boolean, timeoutMs?: number): Promise<AdapterEvent>;
  async waitFor(what: string, match: (e: AdapterEvent) => boolean, timeoutMs = 5_000): Promise<AdapterEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.events.map((e) => (e.type === 'state' ? `state:${e.state.kind}` : e.type)).join(', ');
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events seen: [${seen}]`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForState(kind: ConnectionState['kind'], timeoutMs = 5_000): Promise<ConnectionState> {
    const start = this.events.length;
    const event = await this.waitFor(`state ${kind}`, (e) => e.type === 'state' && e.state.kind === kind && this.events.indexOf(e) >= start, timeoutMs);
    return (event as { state: ConnectionState }).state;
  }
}

export interface TestAccount {
  address: string;
  adapter: XmppAdapter;
  events: Recorder;
  ctx: ReturnType<typeof memoryContext>;
}

export function account(server: ProsodyServer, user: string, password: string, options: {
  state?: AdapterState;
  adapter?: XmppAdapterOptions;
  host?: string;
  port?: number;
  trustedCa?: string | null;
  proxy?: AccountSettings['proxy'];
} = {}): TestAccount {
  const ctx = memoryContext(options.state);
  const adapter = new XmppAdapter({
    address: `${user}@${server.domain}`,
    password,
    host: options.host ?? server.host,
    port: options.port ?? server.c2sPort,
    ...(options.trustedCa === null ? {} : { trustedCa: options.trustedCa ?? server.caPem }),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  }, ctx, { reconnect: FAST_RECONNECT, ...options.adapter });
  return { address: `${user}@${server.domain}`, adapter, events: new Recorder(adapter), ctx };
}

/** Connects and fails with the adapter's own account of why when it does not get online. */
export async function online(a: { address: string; adapter: ProtocolAdapter; events: Recorder }): Promise<void> {
  await a.adapter.connect();
  const state = a.adapter.state;
  if (state.kind === 'offline') throw new Error(`${a.address}: login failed: ${state.reason}: ${state.detail}`);
  if (state.kind !== 'online') await a.events.waitForState('online', 10_000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls every `everyMs` until `done()` holds; after `timeoutMs` fails with `failure()`. */
export async function until(done: () => boolean, timeoutMs: number, failure: () => string, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(failure());
    await sleep(everyMs);
  }
}

/** How many archive catch-ups the adapter has finished, by its log. */
export function catchUps(ctx: { lines: LogLine[] }): number {
  return ctx.lines.filter((l) => l.msg === 'caught up with the archive').length;
}

/** Waits until the adapter has finished its archive catch-up after the latest login. */
export async function caughtUp(a: TestAccount, times = 1, timeoutMs = 5_000): Promise<void> {
  await until(() => catchUps(a.ctx) >= times, timeoutMs, () => `${a.address} never finished the archive catch-up after login ${times}`);
}

/**
 * A bare logged-in connection for sending hand-made stanzas (forged carbons, corrections) through
 * the real server; it announces presence so it can receive too.
 */
export async function rawClient(server: ProsodyServer, user: string, password: string): Promise<XmppConnection> {
  const ctx = memoryContext();
  const connection = new XmppConnection({
    local: user,
    domain: server.domain,
    password,
    resource: 'raw',
    host: server.host,
    port: server.c2sPort,
    trustedCa: server.caPem,
    sm: new StreamManagement({ ackTimeoutMs: 30_000, onDead: () => {} }),
    log: ctx.log,
    logFields: {},
    timeoutMs: 10_000,
  });
  await connection.open();
  await connection.send(xml('presence', {}));
  return connection;
}
