// The interop adapter: ProtocolAdapter over an XMPP connection, every message a Signal-encrypted
// envelope (PROTOCOL.md). The XMPP machinery (connection, XEP-0198, reconnects, archive) is
// protocols/xmpp's, composed here; the Signal layer is signal-channel.ts; PEP keys key-publisher.ts
// and device-directory.ts; the wire format stanza.ts and envelope.ts.
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type {
  AccountSettings, AdapterContext, AdapterEvent, AdapterInfo, AdapterListener, ChatInfo, ConnectionState, HistoryPage,
  OutgoingMessage, ProtocolAdapter, SafetyNumber, SendResult,
} from '../adapter.js';
import { normalizeAddress, networkIdOf, stanzaIdOf } from '../xmpp/address.js';
import { Archive } from '../xmpp/archive.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../xmpp/backoff.js';
import { XmppConnection } from '../xmpp/connection.js';
import { ConnectionKeeper } from '../xmpp/connection-keeper.js';
import * as out from '../xmpp/outgoing.js';
import { StreamManagement } from '../xmpp/stream-management.js';
import { InteropChats, interopChat } from './chats.js';
import { DeviceDirectory } from './device-directory.js';
import { ENVELOPE_VERSION, type AttachmentPointer, type Envelope } from './envelope.js';
import { KeyPublisher } from './key-publisher.js';
import { NS_INTEROP } from './namespaces.js';
import { Receiver } from './receiver.js';
import { SerialQueue } from './serial-queue.js';
import { Sender } from './sender.js';
import { SignalChannel } from './signal-channel.js';

export interface InteropAdapterOptions {
  reconnect?: BackoffOptions;
  loginTimeoutMs?: number;
  ackTimeoutMs?: number;
  keepaliveMs?: number;
  /** The XMPP resource of this installation. Default: switchboard-<random>. */
  resource?: string;
  /** A contact's device list is re-read from PEP when older than this. Default 30 s. */
  deviceListMaxAgeMs?: number;
  /**
   * Delivery receipts for messages arriving within this window go out as one envelope. Default
   * 250 ms: a receipt is not urgent, and each one is a stanza every device decrypts and the server
   * archives twice.
   */
  receiptBatchMs?: number;
}

export const INTEROP_INFO: AdapterInfo = {
  network: 'interop',
  name: 'Interop',
  capabilities: {
    typing: true,
    deliveryReceipts: true,
    readMarkers: true,
    edits: true,
    deletes: true,
    // The envelope carries them; the adapter interface has no event for them yet.
    reactions: false,
    replies: false,
    attachmentLimits: null,
    // The archive holds ciphertexts whose keys the ratchet has already used: history is what the
    // service stored when messages were decrypted (the catch-up still decrypts what was missed).
    history: false,
    groups: false,
    e2ee: 'Signal Protocol',
  },
};

const SENT_MEMORY = 1_000;
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** What this client speaks: the channel, not the plaintext XEPs of the XMPP adapter. */
function discoInfo(): Element {
  return xml('query', { xmlns: NS_DISCO_INFO },
    xml('identity', { category: 'client', type: 'pc', name: 'Switchboard' }),
    ...[NS_DISCO_INFO, 'urn:xmpp:ping', 'urn:xmpp:carbons:2', NS_INTEROP].map((v) => xml('feature', { var: v })));
}

export class InteropAdapter implements ProtocolAdapter {
  readonly info = INTEROP_INFO;

  private current: ConnectionState = { kind: 'offline', reason: 'stopped', detail: 'Not connected yet.' };
  private readonly listeners = new Set<AdapterListener>();
  private readonly own: string;
  private readonly local: string;
  private readonly domain: string;
  private readonly server: string;
  private readonly resource: string;
  private readonly sm: StreamManagement;
  private readonly archive: Archive;
  private readonly keeper: ConnectionKeeper;
  private readonly chats = new InteropChats();
  private readonly channel: SignalChannel;
  private readonly directory: DeviceDirectory;
  private readonly publisher: KeyPublisher;
  /** Every Signal operation, in order (see serial-queue.ts). */
  private readonly queue = new SerialQueue();
  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly inFlight = new Map<string, Promise<SendResult>>();
  private readonly sent = new Map<string, SendResult>();
  private caughtUpOn: XmppConnection | null = null;

  constructor(private readonly settings: AccountSettings, private readonly ctx: AdapterContext, private readonly options: InteropAdapterOptions = {}) {
    this.own = normalizeAddress(settings.address);
    const at = this.own.indexOf('@');
    if (at < 0) throw new Error(`"${settings.address}" has no user name: an interop address looks like name@example.org.`);
    this.local = this.own.slice(0, at);
    this.domain = this.own.slice(at + 1);
    this.server = `${settings.host ?? this.domain}:${settings.port ?? 5222}`;
    this.resource = options.resource ?? `switchboard-${randomUUID().slice(0, 8)}`;
    this.archive = new Archive(this.own);
    this.channel = new SignalChannel(ctx.state, this.own, (name, change) => this.emit({ type: 'identity', chat: name, change, at: ctx.now() }));
    this.directory = new DeviceDirectory(() => this.requireOnline('read keys').iqCaller, options.deviceListMaxAgeMs ?? 30_000, () => ctx.now());
    this.publisher = new KeyPublisher(this.own, this.channel, ctx.state);
    this.sm = new StreamManagement({
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
      keepaliveMs: options.keepaliveMs ?? 60_000,
      onDead: (reason) => this.keeper.drop(reason),
    });
    this.sender = new Sender({
      own: this.own, channel: this.channel, directory: this.directory, queue: this.queue, state: ctx.state,
      write: (stanza) => this.sm.sendAcknowledged(stanza),
      log: (level, msg, fields) => this.log(level, msg, fields),
    });
    this.receiver = new Receiver({
      own: this.own, channel: this.channel, directory: this.directory, queue: this.queue, state: ctx.state, sender: this.sender,
      now: () => ctx.now(),
      isAccepted: (chat) => ctx.isAccepted?.(chat) !== false,
      emit: (event) => this.deliver(event),
      replenish: () => this.replenish(),
      sendRaw: (stanza) => this.online?.send(stanza) ?? Promise.resolve(),
      receiptBatchMs: options.receiptBatchMs ?? 250,
      log: (level, msg, fields) => this.log(level, msg, fields),
    });
    this.keeper = new ConnectionKeeper({
      create: () => this.newConnection(),
      prepare: (connection, session) => this.startSession(connection, session.resumed),
      lost: (reason) => this.sm.detach(reason),
      gaveUp: () => this.sm.forget(),
      setState: (state) => this.setState(state),
      log: (level, msg, fields) => this.log(level, msg, fields),
    }, options.reconnect ?? DEFAULT_BACKOFF, () => ctx.now(), this.server);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** This installation's Signal device id (1..127). */
  get deviceId(): number {
    return this.channel.deviceId;
  }

  private get online(): XmppConnection | null {
    return this.keeper.online;
  }

  onEvent(listener: AdapterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(): Promise<void> {
    await this.keeper.start();
  }

  async disconnect(): Promise<void> {
    this.receiver.stop();
    const wasRunning = await this.keeper.stop();
    if (wasRunning || this.current.kind !== 'offline') this.setState({ kind: 'offline', reason: 'stopped', detail: 'Disconnected.' });
  }

  /**
   * Removes this installation from the account's device list and withdraws its bundle, then
   * disconnects (the user unlinks the device or logs out). Contacts stop encrypting to it once their
   * cached copy of the list expires; its keys and sessions stay in state until the service drops it.
   */
  async unlink(): Promise<void> {
    const connection = this.requireOnline('unlink this device');
    await this.publisher.withdraw(connection.iqCaller);
    await this.disconnect();
  }

  normalize(address: string): string {
    return normalizeAddress(address);
  }

  ownAddress(): string {
    return this.own;
  }

  async startChat(address: string): Promise<ChatInfo> {
    const jid = normalizeAddress(address);
    const announced = this.chats.upsert(jid);
    if (announced) this.emit({ type: 'chat', chat: announced });
    return announced ?? interopChat(jid);
  }

  send(chat: string, message: OutgoingMessage): Promise<SendResult> {
    return this.sendMessage(chat, message, []);
  }

  /**
   * A message with attachment pointers: the files were encrypted and uploaded by the caller (the
   * service's media path; ProtocolAdapter has no attachment upload yet). Idempotent like send().
   */
  sendWithAttachments(chat: string, message: OutgoingMessage, attachments: AttachmentPointer[]): Promise<SendResult> {
    return this.sendMessage(chat, message, attachments);
  }

  private sendMessage(chat: string, message: OutgoingMessage, attachments: AttachmentPointer[]): Promise<SendResult> {
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
    if (!this.online || this.current.kind !== 'online') {
      return Promise.reject(new Error(`${this.own} is not connected to ${this.server}; the message stays queued and is sent after reconnecting.`));
    }
    const attempt = (async (): Promise<SendResult> => {
      const sentAt = this.ctx.now();
      const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt, text: message.body, ...(attachments.length ? { attachments } : {}) };
      await this.sender.send(to, message.clientId, envelope, { persistent: true, ownDevices: true, remember: true });
      const result = { networkId: networkIdOf(this.own, message.clientId), sentAt };
      this.sent.set(message.clientId, result);
      if (this.sent.size > SENT_MEMORY) this.sent.delete(this.sent.keys().next().value ?? '');
      return result;
    })().finally(() => this.inFlight.delete(message.clientId));
    this.inFlight.set(message.clientId, attempt);
    return attempt;
  }

  async fetchHistory(_chat: string, _before: string | null, _limit: number): Promise<HistoryPage> {
    // See capabilities.history: the server holds only ciphertexts already decrypted once.
    return { messages: [], before: null };
  }

  async markRead(chat: string, upToNetworkId: string): Promise<void> {
    const to = normalizeAddress(chat);
    if (this.ctx.isAccepted?.(to) === false) return;
    this.requireOnline('send a read receipt');
    const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt: this.ctx.now(), receipt: { status: 'read', targets: [stanzaIdOf(upToNetworkId)] } };
    await this.sender.send(to, randomUUID(), envelope, { persistent: true, ownDevices: false, remember: false });
  }

  async setTyping(chat: string, state: 'composing' | 'paused' | 'active'): Promise<void> {
    const to = normalizeAddress(chat);
    // Worthless later, and never sent to someone whose request the user has not accepted.
    if (!this.online || this.ctx.isAccepted?.(to) === false) return;
    const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt: this.ctx.now(), typing: state };
    await this.sender.send(to, randomUUID(), envelope, { persistent: false, ownDevices: false, remember: false });
  }

  async safetyNumber(chat: string): Promise<SafetyNumber> {
    const contact = normalizeAddress(chat);
    const known = this.channel.safetyNumber(contact);
    if (known) return known;
    const published = this.online ? await this.queue.run(() => this.directory.publishedIdentity(contact)) : null;
    const computed = published ? this.channel.safetyNumber(contact, published) : null;
    if (!computed) throw new Error(`No identity key of ${contact} is known yet: connect, or exchange a message first.`);
    return computed;
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
      // The optional SOCKS5 proxy: connection.ts tunnels the TCP stream through it.
      proxy: this.settings.proxy,
      sm: this.sm,
      log: this.ctx.log,
      logFields: this.logFields(),
      timeoutMs: this.options.loginTimeoutMs ?? 20_000,
    });
    connection.entity.on('stanza', (stanza: Element) => this.onStanza(connection, stanza));
    connection.iqCallee.get('urn:xmpp:ping', 'ping', () => true);
    connection.iqCallee.get(NS_DISCO_INFO, 'query', () => discoInfo());
    return connection;
  }

  /**
   * Carbons (own other devices see what this one sends), keys on PEP, then the archive catch-up
   * and presence as in the XMPP adapter. Online means: others can encrypt to this device.
   */
  private async startSession(connection: XmppConnection, resumed: boolean): Promise<void> {
    const failed = (what: string) => (err: unknown): void => {
      if (!connection.isClosed) this.log('warn', `${what} failed`, { error: String(err) });
    };
    if (!resumed) {
      await connection.iqCaller.request(out.enableCarbons()).catch(failed('enabling carbons'));
      const devices = await this.publisher.publishAll(connection.iqCaller, this.ctx.now());
      this.directory.set(this.own, devices);
    }
    let available: Promise<void> | null = resumed ? Promise.resolve() : null;
    const sendPresence = (): Promise<void> => {
      available ??= this.sm.sendAcknowledged(out.initialPresence()).catch(failed('sending presence'));
      return available;
    };
    this.archive.catchUp(connection.iqCaller, this.ctx.state, (items) => {
      for (const item of items) this.receiver.archived(item.forwarded);
    }, () => void sendPresence()).then(async (count) => {
      await this.queue.run(async () => {});
      this.caughtUpOn = connection;
      this.log('info', 'caught up with the archive', { messages: count });
    }).catch(failed('the archive catch-up')).finally(() => void sendPresence());
    await sendPresence();
  }

  private onStanza(connection: XmppConnection, stanza: Element): void {
    if (this.archive.collect(stanza) || stanza.name !== 'message') return;
    this.receiver.live(stanza);
    if (this.caughtUpOn === connection) this.archive.noteLive(stanza, this.ctx.state);
  }

  private replenish(): void {
    const connection = this.online;
    if (!connection) return;
    this.publisher.replenish(connection.iqCaller).then((changed) => {
      if (changed) this.log('info', 'replaced used one-time prekeys and republished the bundle');
    }).catch((err: unknown) => this.log('warn', 'republishing the bundle failed', { error: String(err) }));
  }

  // ---- plumbing ----

  private requireOnline(what: string): { iqCaller: IqCaller } {
    const connection = this.online;
    if (!connection) throw new Error(`${this.own} is not connected to ${this.server}: cannot ${what} now.`);
    return connection;
  }

  private deliver(event: AdapterEvent): void {
    if (event.type === 'message' || event.type === 'undecryptable') {
      const chat = this.chats.upsert(event.type === 'message' ? event.message.chat : event.chat);
      if (chat) this.emit({ type: 'chat', chat });
    }
    this.emit(event);
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
    return { account: this.own, server: this.server, device: this.channel.deviceId };
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    this.ctx.log[level](msg, { ...this.logFields(), ...fields });
  }
}
