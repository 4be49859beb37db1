// What every adapter that rides an XMPP connection has in common, below its own decisions: the
// account's address and server, listeners and the current state, logging with account and server
// fields, XEP-0198 state and the ConnectionKeeper, a fresh XmppConnection per attempt, idempotent
// sends, the archive catch-up with initial presence that makes a session online, and the XEP-0363
// upload service (found once per connection, slots asked of it: upload-service.ts). Used by
// xmpp-adapter.ts and ../interop/interop-adapter.ts; each keeps what it does with stanzas and what
// a new session needs before it counts as online.
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import {
  AttachmentError,
  type AccountSettings, type AdapterContext, type AdapterEvent, type AdapterListener, type ConnectionState, type SendResult,
} from '../adapter.js';
import { networkIdOf, normalizeAddress } from './address.js';
import { Archive, type ArchiveItem } from './archive.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { XmppConnection } from './connection.js';
import { ConnectionKeeper } from './connection-keeper.js';
import { NS } from './namespaces.js';
import * as out from './outgoing.js';
import { StreamManagement } from './stream-management.js';
import { discoverUploadService, requestSlot, type UploadService, type UploadSlot } from './upload-service.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The connection options every XMPP-borne adapter takes. */
export interface XmppTransportOptions {
  reconnect?: BackoffOptions;
  /** An attempt that has not reached online by then is abandoned and retried. Default 20 s. */
  loginTimeoutMs?: number;
  /** A server that leaves an ack request unanswered this long is considered gone. Default 30 s. */
  ackTimeoutMs?: number;
  /** How often an idle connection is checked with an ack request. Default 60 s. */
  keepaliveMs?: number;
  /** The XMPP resource of this device. Default: switchboard-<random>. */
  resource?: string;
}

/** What the adapter decides; everything else is the runtime's. */
export interface AdapterRuntimeHooks {
  /** How an address without a user name is explained: "<what> looks like name@example.org". */
  addressNoun: string;
  /** A stanza that is not an archive result (those are collected by the runtime). */
  onStanza(connection: XmppConnection, stanza: Element): void;
  /** The answer to a disco#info query: what this client speaks. */
  discoInfo(): Element;
  /** Further handlers for a new connection, after stanza, ping and disco. */
  attach?(connection: XmppConnection): void;
  /** Makes a logged-in session available; see KeeperHooks.prepare. */
  prepare(connection: XmppConnection, resumed: boolean): Promise<void>;
  /** Log fields beyond account and server. */
  logFields?(): Record<string, unknown>;
}

/** Results of acknowledged sends kept to answer a resend of the same clientId without sending again. */
const SENT_MEMORY = 1_000;

export class AdapterRuntime {
  /** The account's bare JID, normalised. */
  readonly own: string;
  /** host:port, as errors and logs name it. */
  readonly server: string;
  readonly archive: Archive;
  readonly sm: StreamManagement;

  private current: ConnectionState = { kind: 'offline', reason: 'stopped', detail: 'Not connected yet.' };
  private readonly listeners = new Set<AdapterListener>();
  private readonly local: string;
  private readonly domain: string;
  private readonly resource: string;
  private readonly keeper: ConnectionKeeper;
  private readonly inFlight = new Map<string, Promise<SendResult>>();
  private readonly sent = new Map<string, SendResult>();
  /** The connection whose archive catch-up has completed (live messages then move the cursor). */
  private caughtUpOn: XmppConnection | null = null;
  /** XEP-0363 discovery, once per connection: a reconnect may land on a reconfigured server. */
  private uploads: { connection: XmppConnection; service: Promise<UploadService | null> } | null = null;

  constructor(
    private readonly settings: AccountSettings,
    private readonly ctx: AdapterContext,
    private readonly options: XmppTransportOptions,
    private readonly hooks: AdapterRuntimeHooks,
  ) {
    this.own = normalizeAddress(settings.address);
    const at = this.own.indexOf('@');
    if (at < 0) throw new Error(`"${settings.address}" has no user name: ${hooks.addressNoun} looks like name@example.org.`);
    this.local = this.own.slice(0, at);
    this.domain = this.own.slice(at + 1);
    this.server = `${settings.host ?? this.domain}:${settings.port ?? 5222}`;
    this.resource = options.resource ?? `switchboard-${randomUUID().slice(0, 8)}`;
    this.archive = new Archive(this.own);
    this.sm = new StreamManagement({
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
      keepaliveMs: options.keepaliveMs ?? 60_000,
      onDead: (reason) => this.keeper.drop(reason),
    });
    this.keeper = new ConnectionKeeper({
      create: () => this.newConnection(),
      prepare: (connection, session) => this.hooks.prepare(connection, session.resumed),
      lost: (reason) => this.sm.detach(reason),
      gaveUp: () => this.sm.forget(),
      setState: (state) => this.setState(state),
      log: (level, msg, fields) => this.log(level, msg, fields),
    }, options.reconnect ?? DEFAULT_BACKOFF, () => this.ctx.now(), this.server);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The logged-in connection, or null. */
  get online(): XmppConnection | null {
    return this.keeper.online;
  }

  onEvent(listener: AdapterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the first attempt has settled: online, reconnecting (retry scheduled) or offline. */
  async start(): Promise<void> {
    await this.keeper.start();
  }

  async stop(): Promise<void> {
    const wasRunning = await this.keeper.stop();
    if (wasRunning || this.current.kind !== 'offline') {
      this.setState({ kind: 'offline', reason: 'stopped', detail: 'Disconnected.' });
    }
  }

  requireOnline(what: string): XmppConnection {
    const connection = this.online;
    if (!connection) throw new Error(`${this.own} is not connected to ${this.server}: cannot ${what} now.`);
    return connection;
  }

  /**
   * Sends once per clientId: a resend of an acknowledged message answers with its first result, a
   * resend while it is in flight with the same promise. Refused while not online (the service keeps
   * the message queued). `transmit` resolves when the server has acknowledged the message.
   */
  sendOnce(chat: string, clientId: string, transmit: (to: string, sentAt: number) => Promise<void>): Promise<SendResult> {
    const done = this.sent.get(clientId);
    if (done) return Promise.resolve(done);
    const pending = this.inFlight.get(clientId);
    if (pending) return pending;
    let to: string;
    try {
      to = normalizeAddress(chat);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this.online || this.current.kind !== 'online') {
      return Promise.reject(new Error(`${this.own} is not connected to ${this.server}; the message stays queued and is sent after reconnecting.`));
    }
    const attempt = (async (): Promise<SendResult> => {
      const sentAt = this.ctx.now();
      await transmit(to, sentAt);
      const result = { networkId: networkIdOf(this.own, clientId), sentAt };
      this.remember(clientId, result);
      return result;
    })().finally(() => this.inFlight.delete(clientId));
    this.inFlight.set(clientId, attempt);
    return attempt;
  }

  /**
   * The archive catch-up and initial presence of a session, written in that order on the wire (see
   * Archive.catchUp for why presence goes right after the first archive query). Resolves once the
   * server has acknowledged the presence: from then on others' messages arrive live, so the account
   * may be called online (a message sent to it earlier lands in the archive and comes through the
   * catch-up, marked historical). The catch-up goes on in the background; `settle` runs after its
   * last page, before live messages move the cursor. A resumed session is already available: it
   * only catches up.
   */
  async catchUpAndAnnounce(connection: XmppConnection, resumed: boolean, archived: (items: ArchiveItem[]) => void, settle?: () => Promise<void>): Promise<void> {
    const failed = this.failed(connection);
    let available: Promise<void> | null = resumed ? Promise.resolve() : null;
    const sendPresence = (): Promise<void> => {
      available ??= this.sm.sendAcknowledged(out.initialPresence()).catch(failed('sending presence'));
      return available;
    };
    const caughtUp = (count: number): void => {
      this.caughtUpOn = connection;
      this.log('info', 'caught up with the archive', { messages: count });
    };
    this.archive.catchUp(connection.iqCaller, this.ctx.state, archived, () => void sendPresence())
      .then((count) => (settle ? settle().then(() => caughtUp(count)) : caughtUp(count)))
      .catch(failed('the archive catch-up'))
      // Without a working archive the account must still become available.
      .finally(() => void sendPresence());
    await sendPresence();
  }

  /**
   * The server's XEP-0363 service, discovered once per connection; null when it has none. Rejects
   * while offline (the caller keeps its upload queued). A failed discovery is not remembered: the
   * next call asks again.
   */
  uploadService(): Promise<UploadService | null> {
    const connection = this.online;
    if (!connection) return Promise.reject(new Error(`${this.own} is not connected to ${this.server}: cannot find its upload service now.`));
    return this.discoverUploads(connection);
  }

  /**
   * Starts (or joins) the discovery on `connection`, which need not be online yet: an adapter calls
   * this while preparing a session, so the limits are known by the time it counts as online.
   */
  discoverUploads(connection: XmppConnection): Promise<UploadService | null> {
    if (this.uploads?.connection === connection) return this.uploads.service;
    const service = discoverUploadService(connection.iqCaller, this.domain);
    const entry = { connection, service };
    this.uploads = entry;
    service.then((found) => {
      this.log('info', found ? 'found the upload service' : 'the server has no upload service', found ? { ...found } : {});
    }, () => {
      if (this.uploads === entry) this.uploads = null;
    });
    return service;
  }

  /** A slot for one file from the upload service; AttachmentError('no-upload-service') without one. */
  async requestUploadSlot(file: { name: string; size: number; mime: string }): Promise<UploadSlot> {
    const service = await this.uploadService();
    if (!service) {
      throw new AttachmentError('no-upload-service', `${this.own}'s server ${this.domain} has no file upload service, so files cannot be sent from this account.`);
    }
    return requestSlot(this.requireOnline('ask for an upload slot').iqCaller, service, file);
  }

  /**
   * What an HTTP transfer of this account needs: its own CA and its proxy (uploads go to its
   * server), and the hosts that may be on a local or private network: the account's own server,
   * by its host setting and its domain (a received URL elsewhere must be a public address).
   */
  get httpOptions(): { trustedCa?: string; proxy?: AccountSettings['proxy']; allowedHosts: string[] } {
    return {
      ...(this.settings.trustedCa ? { trustedCa: this.settings.trustedCa } : {}),
      ...(this.settings.proxy ? { proxy: this.settings.proxy } : {}),
      allowedHosts: [...new Set([this.settings.host ?? this.domain, this.domain])],
    };
  }

  /** A live message moves the archive cursor once this connection has caught up. */
  noteLive(connection: XmppConnection, stanza: Element): void {
    if (this.caughtUpOn === connection) this.archive.noteLive(stanza, this.ctx.state);
  }

  /** A catch handler that logs a failed step of a session, unless the connection is already gone. */
  failed(connection: XmppConnection): (what: string) => (err: unknown) => void {
    return (what) => (err) => {
      if (!connection.isClosed) this.log('warn', `${what} failed`, { error: String(err) });
    };
  }

  emit(event: AdapterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log('error', 'an event listener threw', { event: event.type, error: String(err) });
      }
    }
  }

  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.ctx.log[level](msg, { ...this.logFields(), ...fields });
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.emit({ type: 'state', state });
  }

  private remember(clientId: string, result: SendResult): void {
    this.sent.set(clientId, result);
    if (this.sent.size > SENT_MEMORY) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  private logFields(): Record<string, unknown> {
    return { account: this.own, server: this.server, ...this.hooks.logFields?.() };
  }

  private newConnection(): XmppConnection {
    const connection = new XmppConnection({
      local: this.local,
      domain: this.domain,
      password: this.settings.password,
      resource: this.resource,
      host: this.settings.host ?? this.domain,
      port: this.settings.port ?? 5222,
      trustedCa: this.settings.trustedCa,
      // The optional SOCKS5 proxy: connection.ts tunnels the TCP stream through it.
      proxy: this.settings.proxy,
      sm: this.sm,
      log: this.ctx.log,
      logFields: this.logFields(),
      timeoutMs: this.options.loginTimeoutMs ?? 20_000,
    });
    connection.entity.on('stanza', (stanza: Element) => {
      if (!this.archive.collect(stanza)) this.hooks.onStanza(connection, stanza);
    });
    connection.iqCallee.get(NS.ping, 'ping', () => true);
    connection.iqCallee.get(NS.discoInfo, 'query', () => this.hooks.discoInfo());
    this.hooks.attach?.(connection);
    return connection;
  }
}
