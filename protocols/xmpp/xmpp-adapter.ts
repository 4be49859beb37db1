// The XMPP adapter: the commands and events of ProtocolAdapter for one account. Staying connected
// is connection-keeper.ts, composition and login connection.ts, XEP-0198 stream-management.ts,
// stanza meaning incoming.ts/outgoing.ts, the archive archive.ts.
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type {
  AccountSettings, AdapterContext, AdapterEvent, AdapterInfo, AdapterListener, ChatInfo, ConnectionState,
  HistoryPage, IncomingMessage, OutgoingMessage, ProtocolAdapter, SendResult,
} from '../adapter.js';
import { normalizeAddress, networkIdOf, stanzaIdOf } from './address.js';
import { Archive, PAGE_SIZE, type ArchiveItem } from './archive.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { ChatDirectory, directChat, rosterItems } from './chats.js';
import { XmppConnection } from './connection.js';
import { ConnectionKeeper } from './connection-keeper.js';
import { interpretArchived, interpretLive, type Interpretation } from './incoming.js';
import { NS } from './namespaces.js';
import * as out from './outgoing.js';
import { StreamManagement } from './stream-management.js';

export interface XmppAdapterOptions {
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

export const XMPP_INFO: AdapterInfo = {
  network: 'xmpp',
  name: 'XMPP',
  capabilities: {
    typing: true,
    deliveryReceipts: true,
    readMarkers: true,
    edits: true,
    deletes: true,
    reactions: false,
    replies: false,
    attachmentLimits: null,
    history: true,
    groups: false,
    e2ee: null,
  },
};

/** Results of acknowledged sends kept to answer a resend of the same clientId without sending again. */
const SENT_MEMORY = 1_000;
/** Bounds one fetchHistory call's walk through archive pages of receipts and markers. */
const HISTORY_MAX_PAGES = 10;

export class XmppAdapter implements ProtocolAdapter {
  readonly info = XMPP_INFO;

  private current: ConnectionState = { kind: 'offline', reason: 'stopped', detail: 'Not connected yet.' };
  private readonly listeners = new Set<AdapterListener>();
  private readonly own: string;
  private readonly local: string;
  private readonly domain: string;
  private readonly server: string;
  private readonly resource: string;
  private readonly sm: StreamManagement;
  private readonly archive: Archive;
  private readonly chats = new ChatDirectory();
  private readonly inFlight = new Map<string, Promise<SendResult>>();
  private readonly sent = new Map<string, SendResult>();
  private readonly keeper: ConnectionKeeper;
  /** The connection whose archive catch-up has completed (live messages then move the cursor). */
  private caughtUpOn: XmppConnection | null = null;

  constructor(
    private readonly settings: AccountSettings,
    private readonly ctx: AdapterContext,
    private readonly options: XmppAdapterOptions = {},
  ) {
    this.own = normalizeAddress(settings.address);
    const at = this.own.indexOf('@');
    if (at < 0) throw new Error(`"${settings.address}" has no user name: an XMPP account looks like name@example.org.`);
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
      prepare: (connection, session) => this.startSession(connection, session.resumed),
      lost: (reason) => this.sm.detach(reason),
      gaveUp: () => this.sm.forget(),
      setState: (state) => this.setState(state),
      log: (level, msg, fields) => this.log(level, msg, fields),
    }, options.reconnect ?? DEFAULT_BACKOFF, () => this.ctx.now(), this.server);
  }

  /** The logged-in connection, or null. */
  private get online(): XmppConnection | null {
    return this.keeper.online;
  }

  get state(): ConnectionState {
    return this.current;
  }

  onEvent(listener: AdapterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the first attempt has settled: online, reconnecting (retry scheduled) or offline. */
  async connect(): Promise<void> {
    await this.keeper.start();
  }

  async disconnect(): Promise<void> {
    const wasRunning = await this.keeper.stop();
    if (wasRunning || this.current.kind !== 'offline') {
      this.setState({ kind: 'offline', reason: 'stopped', detail: 'Disconnected.' });
    }
  }

  normalize(address: string): string {
    return normalizeAddress(address);
  }

  async startChat(address: string): Promise<ChatInfo> {
    const jid = normalizeAddress(address);
    const announced = this.chats.upsert(jid);
    if (announced) this.emit({ type: 'chat', chat: announced });
    return announced ?? this.chats.get(jid) ?? directChat(jid);
  }

  send(chat: string, message: OutgoingMessage): Promise<SendResult> {
    const done = this.sent.get(message.clientId);
    if (done) return Promise.resolve(done);
    const pending = this.inFlight.get(message.clientId);
    if (pending) return pending;
    let to: string;
    try {
      to = normalizeAddress(chat);
    } catch (err) {
      return Promise.reject(err);
    }
    const connection = this.online;
    if (!connection || this.current.kind !== 'online') {
      return Promise.reject(new Error(`${this.own} is not connected to ${this.server}; the message stays queued and is sent after reconnecting.`));
    }
    const attempt = (async (): Promise<SendResult> => {
      const sentAt = this.ctx.now();
      try {
        await this.sm.sendAcknowledged(out.chatMessage(to, message.clientId, message.body));
      } catch (err) {
        throw new Error(`${this.own}: the connection to ${this.server} dropped before the server confirmed the message (${(err as Error).message}).`);
      }
      const result = { networkId: networkIdOf(this.own, message.clientId), sentAt };
      this.remember(message.clientId, result);
      return result;
    })().finally(() => this.inFlight.delete(message.clientId));
    this.inFlight.set(message.clientId, attempt);
    return attempt;
  }

  async fetchHistory(chat: string, before: string | null, limit: number): Promise<HistoryPage> {
    const connection = this.requireOnline('load history');
    const wanted = Math.max(1, limit);
    // Receipts and markers are archived too, so a page of the archive may hold few messages.
    const found: Array<{ archiveId: string; message: IncomingMessage }> = [];
    let cursor = before ?? '';
    let reachedStart = false;
    for (let pages = 0; pages < HISTORY_MAX_PAGES && found.length < wanted; pages++) {
      const page = await this.archive.page(connection.iqCaller, { with: normalizeAddress(chat), max: PAGE_SIZE, before: cursor });
      const messages = page.items.flatMap((item) => this.interpretArchive(item).events.flatMap((event) =>
        event.type === 'message' ? [{ archiveId: item.archiveId, message: event.message }] : []));
      found.unshift(...messages);
      if (page.complete || !page.first || page.items.length === 0) {
        reachedStart = true;
        break;
      }
      cursor = page.first;
    }
    const kept = found.slice(-wanted);
    const oldest = kept[0];
    const more = found.length > kept.length || !reachedStart;
    return { messages: kept.map((k) => k.message), before: more && oldest ? oldest.archiveId : null };
  }

  async markRead(chat: string, upToNetworkId: string): Promise<void> {
    const connection = this.requireOnline('send a read marker');
    await connection.send(out.displayedMarker(normalizeAddress(chat), stanzaIdOf(upToNetworkId), randomUUID()));
  }

  async setTyping(chat: string, state: 'composing' | 'paused' | 'active'): Promise<void> {
    // A typing notification is worthless later: offline, it is dropped.
    const connection = this.online;
    if (!connection) return;
    await connection.send(out.chatState(normalizeAddress(chat), state, randomUUID()));
  }

  // ---- connection lifecycle ----

  private newConnection(): XmppConnection {
    const connection = new XmppConnection({
      local: this.local,
      domain: this.domain,
      password: this.settings.password,
      resource: this.resource,
      host: this.settings.host ?? this.domain,
      port: this.settings.port ?? 5222,
      trustedCa: this.settings.trustedCa,
      proxy: this.settings.proxy,
      sm: this.sm,
      log: this.ctx.log,
      logFields: this.logFields(),
      timeoutMs: this.options.loginTimeoutMs ?? 20_000,
    });
    const { entity, iqCallee } = connection;
    entity.on('stanza', (stanza: Element) => this.onStanza(connection, stanza));
    iqCallee.get(NS.ping, 'ping', () => true);
    iqCallee.get(NS.discoInfo, 'query', () => out.discoInfoAnswer());
    iqCallee.set(NS.roster, 'query', (ictx) => {
      // RFC 6121 §2.1.6: a roster push from anyone but the account itself is ignored.
      const from = ictx.stanza.attrs.from?.toLowerCase();
      if (from && from !== this.own) {
        this.log('warn', 'ignored a roster push from another entity', { from });
        return undefined;
      }
      this.applyRoster(ictx.element);
      return true;
    });
    return connection;
  }

  /**
   * Roster, carbons, archive catch-up and initial presence on a new session, written in that order
   * on the wire (see Archive.catchUp for why presence goes right after the first archive query).
   * Resolves once the server has acknowledged the presence: from then on others' messages arrive
   * live, so the account may be called online (a message sent to it earlier lands in the archive
   * and comes through the catch-up, marked historical). The catch-up goes on in the background.
   * A resumed session still has its roster, carbons and presence: it only catches up.
   */
  private async startSession(connection: XmppConnection, resumed: boolean): Promise<void> {
    const failed = (what: string) => (err: unknown): void => {
      if (!connection.isClosed) this.log('warn', `${what} failed`, { error: String(err) });
    };
    let available: Promise<void> | null = resumed ? Promise.resolve() : null;
    const sendPresence = (): Promise<void> => {
      available ??= this.sm.sendAcknowledged(out.initialPresence()).catch(failed('sending presence'));
      return available;
    };
    if (!resumed) {
      connection.iqCaller.request(out.rosterRequest())
        .then((answer) => this.applyRoster(answer.getChild('query', NS.roster))).catch(failed('loading the roster'));
      connection.iqCaller.request(out.enableCarbons()).catch(failed('enabling carbons'));
    }
    this.archive.catchUp(connection.iqCaller, this.ctx.state, (items) => {
      for (const item of items) this.deliver(this.interpretArchive(item));
    }, () => void sendPresence()).then((count) => {
      this.caughtUpOn = connection;
      this.log('info', 'caught up with the archive', { messages: count });
    }).catch(failed('the archive catch-up')).finally(() => {
      // Without a working archive the account must still become available.
      void sendPresence();
    });
    await sendPresence();
  }

  // ---- incoming ----

  private onStanza(connection: XmppConnection, stanza: Element): void {
    if (this.archive.collect(stanza)) return;
    if (stanza.name === 'presence') {
      this.onPresence(stanza);
      return;
    }
    if (stanza.name !== 'message') return;
    const result = interpretLive(stanza, this.own, this.ctx.now());
    if (result.refused) {
      this.log('warn', 'ignored a forged carbon', { detail: result.refused });
      return;
    }
    this.deliver(result);
    if (this.caughtUpOn === connection) this.archive.noteLive(stanza, this.ctx.state);
    const ask = result.answerReceipt;
    if (ask) connection.send(out.deliveryReceipt(ask.to, ask.id, randomUUID())).catch(() => {});
  }

  private onPresence(stanza: Element): void {
    const from = stanza.attrs.from?.split('/')[0]?.toLowerCase();
    const type = stanza.attrs.type;
    if (!from || from === this.own || (type && type !== 'unavailable')) return;
    const status = stanza.getChildText('status') ?? undefined;
    this.emit({ type: 'presence', address: from, available: type !== 'unavailable', ...(status ? { status } : {}) });
  }

  private interpretArchive(item: ArchiveItem): Interpretation {
    return interpretArchived(item.forwarded, item.archiveId, this.own, this.ctx.now());
  }

  private deliver(result: Interpretation): void {
    for (const event of result.events) {
      if (event.type === 'message') {
        const chat = this.chats.upsert(event.message.chat);
        if (chat) this.emit({ type: 'chat', chat });
      }
      this.emit(event);
    }
  }

  private applyRoster(query: Element | undefined): void {
    for (const item of rosterItems(query)) {
      if (item.removed) continue;
      const chat = this.chats.upsert(item.jid, item.name ?? item.jid);
      if (chat) this.emit({ type: 'chat', chat });
    }
  }

  // ---- plumbing ----

  private requireOnline(what: string): XmppConnection {
    const connection = this.online;
    if (!connection) throw new Error(`${this.own} is not connected to ${this.server}: cannot ${what} now.`);
    return connection;
  }

  private remember(clientId: string, result: SendResult): void {
    this.sent.set(clientId, result);
    if (this.sent.size > SENT_MEMORY) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.emit({ type: 'state', state });
  }

  private emit(event: AdapterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log('error', 'an event listener threw', { event: event.type, error: String(err) });
      }
    }
  }

  private logFields(): Record<string, unknown> {
    return { account: this.own, server: this.server };
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    this.ctx.log[level](msg, { ...this.logFields(), ...fields });
  }
}
