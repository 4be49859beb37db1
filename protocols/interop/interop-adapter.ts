// The interop adapter: ProtocolAdapter over an XMPP connection, every message a Signal-encrypted
// envelope (PROTOCOL.md). The XMPP machinery (connection, XEP-0198, reconnects, archive, state and
// listeners) is protocols/xmpp's, shared with the XMPP adapter through xmpp/adapter-runtime.ts; the
// Signal layer is signal-channel.ts; PEP keys key-publisher.ts and device-directory.ts; the wire
// format stanza.ts and envelope.ts.
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type {
  AccountSettings, AdapterContext, AdapterEvent, AdapterInfo, AdapterListener, AttachmentMeta, ChatInfo, ConnectionState, HistoryPage,
  OutgoingMessage, ProtocolAdapter, RemoteAttachment, SafetyNumber, SendResult, TransferOptions,
} from '../adapter.js';
import { normalizeAddress, stanzaIdOf } from '../xmpp/address.js';
import { AdapterRuntime, type LogLevel, type XmppTransportOptions } from '../xmpp/adapter-runtime.js';
import type { XmppConnection } from '../xmpp/connection.js';
import { httpGet, httpPut } from '../xmpp/http-transfer.js';
import * as out from '../xmpp/outgoing.js';
import { AttachmentTransfer, attachmentLimitsFor } from './attachment-transfer.js';
import { InteropChats, interopChat } from './chats.js';
import { DeviceDirectory } from './device-directory.js';
import { pointerFor, type AttachmentPointer } from './attachment-pointer.js';
import { ENVELOPE_VERSION, type Envelope } from './envelope.js';
import { KeyPublisher } from './key-publisher.js';
import { NS_INTEROP } from './namespaces.js';
import { Receiver } from './receiver.js';
import { SerialQueue } from './serial-queue.js';
import { Sender } from './sender.js';
import { SignalChannel } from './signal-channel.js';

export interface InteropAdapterOptions extends XmppTransportOptions {
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
    // Known per account once its server's upload service is (see InteropAdapter.learnLimits).
    attachmentLimits: null,
    // The archive holds ciphertexts whose keys the ratchet has already used: history is what the
    // service stored when messages were decrypted (the catch-up still decrypts what was missed).
    history: false,
    groups: false,
    e2ee: 'Signal Protocol',
  },
};

const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** What this client speaks: the channel, not the plaintext XEPs of the XMPP adapter. */
function discoInfo(): Element {
  return xml('query', { xmlns: NS_DISCO_INFO },
    xml('identity', { category: 'client', type: 'pc', name: 'Switchboard' }),
    ...[NS_DISCO_INFO, 'urn:xmpp:ping', 'urn:xmpp:carbons:2', NS_INTEROP].map((v) => xml('feature', { var: v })));
}

export class InteropAdapter implements ProtocolAdapter {
  /** This account's own copy: its attachment limits depend on its server. */
  readonly info: AdapterInfo = { ...INTEROP_INFO, capabilities: { ...INTEROP_INFO.capabilities } };

  private readonly runtime: AdapterRuntime;
  private readonly own: string;
  private readonly chats = new InteropChats();
  private readonly channel: SignalChannel;
  private readonly directory: DeviceDirectory;
  private readonly publisher: KeyPublisher;
  /** Every Signal operation, in order (see serial-queue.ts). */
  private readonly queue = new SerialQueue();
  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly transfer: AttachmentTransfer;

  constructor(settings: AccountSettings, private readonly ctx: AdapterContext, options: InteropAdapterOptions = {}) {
    this.runtime = new AdapterRuntime(settings, ctx, options, {
      addressNoun: 'an interop address',
      onStanza: (connection, stanza) => this.onStanza(connection, stanza),
      discoInfo: () => discoInfo(),
      prepare: (connection, resumed) => this.startSession(connection, resumed),
      logFields: () => ({ device: this.channel.deviceId }),
    });
    this.own = this.runtime.own;
    const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => this.runtime.log(level, msg, fields);
    this.channel = new SignalChannel(ctx.state, this.own, (name, change) => this.runtime.emit({ type: 'identity', chat: name, change, at: ctx.now() }));
    this.directory = new DeviceDirectory(() => this.runtime.requireOnline('read keys').iqCaller, options.deviceListMaxAgeMs ?? 30_000, () => ctx.now());
    this.publisher = new KeyPublisher(this.own, this.channel, ctx.state);
    this.sender = new Sender({
      own: this.own, channel: this.channel, directory: this.directory, queue: this.queue, state: ctx.state,
      write: (stanza) => this.runtime.sm.sendAcknowledged(stanza),
      log,
    });
    this.receiver = new Receiver({
      own: this.own, channel: this.channel, directory: this.directory, queue: this.queue, state: ctx.state, sender: this.sender,
      now: () => ctx.now(),
      isAccepted: (chat) => ctx.isAccepted?.(chat) !== false,
      emit: (event) => this.deliver(event),
      replenish: () => this.replenish(),
      sendRaw: (stanza) => this.runtime.online?.send(stanza) ?? Promise.resolve(),
      receiptBatchMs: options.receiptBatchMs ?? 250,
      log,
    });
    this.transfer = new AttachmentTransfer({
      network: INTEROP_INFO.name,
      account: `${this.own} on ${this.runtime.server}`,
      limits: () => this.info.capabilities.attachmentLimits,
      uploadService: () => this.runtime.uploadService(),
      requestUploadSlot: (file) => this.runtime.requestUploadSlot(file),
      httpPut,
      httpGet,
      // The blobs are on the account's server (or a contact's on the same gatekeeper): its CA and
      // the account's proxy apply to them as to the XMPP stream.
      http: this.runtime.httpOptions,
    });
  }

  get state(): ConnectionState {
    return this.runtime.state;
  }

  /** This installation's Signal device id (1..127). */
  get deviceId(): number {
    return this.channel.deviceId;
  }

  onEvent(listener: AdapterListener): () => void {
    return this.runtime.onEvent(listener);
  }

  async connect(): Promise<void> {
    await this.runtime.start();
  }

  async disconnect(): Promise<void> {
    this.receiver.stop();
    await this.runtime.stop();
  }

  /**
   * Removes this installation from the account's device list and withdraws its bundle, then
   * disconnects (the user unlinks the device or logs out). Contacts stop encrypting to it once their
   * cached copy of the list expires; its keys and sessions stay in state until the service drops it.
   */
  async unlink(): Promise<void> {
    const connection = this.runtime.requireOnline('unlink this device');
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
    if (announced) this.runtime.emit({ type: 'chat', chat: announced });
    return announced ?? interopChat(jid);
  }

  /** Attachments go as pointers (PROTOCOL.md §6) to blobs `upload` made; the body is then their caption. */
  send(chat: string, message: OutgoingMessage): Promise<SendResult> {
    let attachments: AttachmentPointer[];
    try {
      attachments = (message.attachments ?? []).map(pointerFor);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.runtime.sendOnce(chat, message.clientId, async (to, sentAt) => {
      const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt, text: message.body, ...(attachments.length ? { attachments } : {}) };
      await this.sender.send(to, message.clientId, envelope, { persistent: true, ownDevices: true, remember: true });
    });
  }

  /** Encrypts the file while uploading it (PROTOCOL.md §6); refuses one over the limit before any request. */
  upload(path: string, meta: AttachmentMeta, options?: TransferOptions): Promise<RemoteAttachment> {
    return this.transfer.upload(path, meta, options);
  }

  /** Downloads, verifies and decrypts into `destPath`; needs no connection (the ref has URL, key and digest). */
  async download(attachment: RemoteAttachment, destPath: string, options?: TransferOptions): Promise<void> {
    try {
      await this.transfer.download(attachment, destPath, options);
    } catch (err) {
      if (err instanceof Error && err.cause !== undefined) this.runtime.log('warn', 'an attachment download failed', { error: err.message, why: String(err.cause) });
      throw err;
    }
  }

  async fetchHistory(_chat: string, _before: string | null, _limit: number): Promise<HistoryPage> {
    // See capabilities.history: the server holds only ciphertexts already decrypted once.
    return { messages: [], before: null };
  }

  async markRead(chat: string, upToNetworkId: string): Promise<void> {
    const to = normalizeAddress(chat);
    if (this.ctx.isAccepted?.(to) === false) return;
    this.runtime.requireOnline('send a read receipt');
    const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt: this.ctx.now(), receipt: { status: 'read', targets: [stanzaIdOf(upToNetworkId)] } };
    await this.sender.send(to, randomUUID(), envelope, { persistent: true, ownDevices: false, remember: false });
  }

  async setTyping(chat: string, state: 'composing' | 'paused' | 'active'): Promise<void> {
    const to = normalizeAddress(chat);
    // Worthless later, and never sent to someone whose request the user has not accepted.
    if (!this.runtime.online || this.ctx.isAccepted?.(to) === false) return;
    const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt: this.ctx.now(), typing: state };
    await this.sender.send(to, randomUUID(), envelope, { persistent: false, ownDevices: false, remember: false });
  }

  async safetyNumber(chat: string): Promise<SafetyNumber> {
    const contact = normalizeAddress(chat);
    const known = this.channel.safetyNumber(contact);
    if (known) return known;
    const published = this.runtime.online ? await this.queue.run(() => this.directory.publishedIdentity(contact)) : null;
    const computed = published ? this.channel.safetyNumber(contact, published) : null;
    if (!computed) throw new Error(`No identity key of ${contact} is known yet: connect, or exchange a message first.`);
    return computed;
  }

  // ---- connection lifecycle ----

  /**
   * Carbons (own other devices see what this one sends), keys on PEP, then the archive catch-up
   * and presence as in the XMPP adapter. Online means: others can encrypt to this device.
   */
  private async startSession(connection: XmppConnection, resumed: boolean): Promise<void> {
    if (!resumed) {
      await connection.iqCaller.request(out.enableCarbons()).catch(this.runtime.failed(connection)('enabling carbons'));
      const devices = await this.publisher.publishAll(connection.iqCaller, this.ctx.now());
      this.directory.set(this.own, devices);
      await this.learnLimits(connection);
    }
    await this.runtime.catchUpAndAnnounce(connection, resumed, (items) => {
      for (const item of items) this.receiver.archived(item.forwarded);
    }, () => this.queue.run(async () => {}));
  }

  /**
   * The attachment limits from the server's upload service, before the session counts as online so
   * the service reads them with the state change. A failed discovery leaves them as they were: files
   * are then refused until a later session learns them.
   */
  private async learnLimits(connection: XmppConnection): Promise<void> {
    try {
      const service = await this.runtime.discoverUploads(connection);
      const limits = service ? attachmentLimitsFor(service.maxFileSize) : null;
      const changed = JSON.stringify(limits) !== JSON.stringify(this.info.capabilities.attachmentLimits);
      this.info.capabilities.attachmentLimits = limits;
      if (changed) this.runtime.emit({ type: 'capabilities' });
    } catch (err) {
      this.runtime.failed(connection)('finding the upload service')(err);
    }
  }

  private onStanza(connection: XmppConnection, stanza: Element): void {
    if (stanza.name !== 'message') return;
    this.receiver.live(stanza);
    this.runtime.noteLive(connection, stanza);
  }

  private replenish(): void {
    const connection = this.runtime.online;
    if (!connection) return;
    this.publisher.replenish(connection.iqCaller).then((changed) => {
      if (changed) this.runtime.log('info', 'replaced used one-time prekeys and republished the bundle');
    }).catch((err: unknown) => this.runtime.log('warn', 'republishing the bundle failed', { error: String(err) }));
  }

  private deliver(event: AdapterEvent): void {
    if (event.type === 'message' || event.type === 'undecryptable') {
      const chat = this.chats.upsert(event.type === 'message' ? event.message.chat : event.chat);
      if (chat) this.runtime.emit({ type: 'chat', chat });
    }
    this.runtime.emit(event);
  }
}
