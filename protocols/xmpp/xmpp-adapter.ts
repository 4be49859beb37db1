// The XMPP adapter: the commands and events of ProtocolAdapter for one account. The plumbing it
// shares with the interop adapter (state, listeners, logging, the connection and its lifecycle,
// idempotent sends, catch-up and presence) is adapter-runtime.ts; staying connected
// connection-keeper.ts, composition and login connection.ts, XEP-0198 stream-management.ts,
// stanza meaning incoming.ts/outgoing.ts, the archive archive.ts.
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type {
  AccountSettings, AdapterContext, AdapterInfo, AdapterListener, AttachmentMeta, ChatInfo, ConnectionState,
  HistoryPage, IncomingMessage, OutgoingMessage, ProtocolAdapter, RemoteAttachment, SendResult, TransferOptions,
} from '../adapter.js';
import { normalizeAddress, stanzaIdOf } from './address.js';
import { AdapterRuntime, type XmppTransportOptions } from './adapter-runtime.js';
import { PAGE_SIZE, type ArchiveItem } from './archive.js';
import { ChatDirectory, directChat, rosterItems } from './chats.js';
import type { XmppConnection } from './connection.js';
import { attachmentLimitsFor, downloadFile, uploadFile, type FileTransferDeps } from './file-transfer.js';
import { interpretArchived, interpretLive, type Interpretation } from './incoming.js';
import { attachmentBody, attachmentElements } from './media-stanza.js';
import { NS } from './namespaces.js';
import * as out from './outgoing.js';

export type XmppAdapterOptions = XmppTransportOptions;

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

/** Bounds one fetchHistory call's walk through archive pages of receipts and markers. */
const HISTORY_MAX_PAGES = 10;
/**
 * How long a new session waits for the upload service before it counts as online anyway. The
 * discovery runs beside the archive catch-up, so on a healthy server it costs no time; a server
 * slow to answer disco must not hold the account offline (the limits then follow when it answers).
 */
const UPLOAD_DISCOVERY_WAIT_MS = 3_000;

export class XmppAdapter implements ProtocolAdapter {
  /** Per adapter: attachmentLimits follow this account's server. */
  readonly info: AdapterInfo = { ...XMPP_INFO, capabilities: { ...XMPP_INFO.capabilities } };

  private readonly runtime: AdapterRuntime;
  private readonly own: string;
  private readonly chats = new ChatDirectory();
  private readonly files: FileTransferDeps;

  constructor(settings: AccountSettings, private readonly ctx: AdapterContext, options: XmppAdapterOptions = {}) {
    this.runtime = new AdapterRuntime(settings, ctx, options, {
      addressNoun: 'an XMPP account',
      onStanza: (connection, stanza) => this.onStanza(connection, stanza),
      discoInfo: () => out.discoInfoAnswer(),
      attach: (connection) => connection.iqCallee.set(NS.roster, 'query', (ictx) => {
        // RFC 6121 §2.1.6: a roster push from anyone but the account itself is ignored.
        const from = ictx.stanza.attrs.from?.toLowerCase();
        if (from && from !== this.own) {
          this.runtime.log('warn', 'ignored a roster push from another entity', { from });
          return undefined;
        }
        this.applyRoster(ictx.element);
        return true;
      }),
      prepare: (connection, resumed) => this.startSession(connection, resumed),
    });
    this.own = this.runtime.own;
    this.files = {
      network: XMPP_INFO.name,
      limits: () => this.info.capabilities.attachmentLimits,
      uploadService: () => this.runtime.uploadService(),
      requestUploadSlot: (file) => this.runtime.requestUploadSlot(file),
      http: this.runtime.httpOptions,
    };
  }

  get state(): ConnectionState {
    return this.runtime.state;
  }

  onEvent(listener: AdapterListener): () => void {
    return this.runtime.onEvent(listener);
  }

  /** Resolves once the first attempt has settled: online, reconnecting (retry scheduled) or offline. */
  async connect(): Promise<void> {
    await this.runtime.start();
  }

  async disconnect(): Promise<void> {
    await this.runtime.stop();
  }

  normalize(address: string): string {
    return normalizeAddress(address);
  }

  async startChat(address: string): Promise<ChatInfo> {
    const jid = normalizeAddress(address);
    const announced = this.chats.upsert(jid);
    if (announced) this.runtime.emit({ type: 'chat', chat: announced });
    return announced ?? this.chats.get(jid) ?? directChat(jid);
  }

  /** A message with an attachment carries it as its URL (after the caption), OOB data and file metadata. */
  send(chat: string, message: OutgoingMessage): Promise<SendResult> {
    const attachments = message.attachments ?? [];
    if (attachments.length > 1) return Promise.reject(new Error('XMPP sends one attachment per message; send the others as messages of their own.'));
    const attachment = attachments[0];
    let body = message.body;
    let extra: ReturnType<typeof attachmentElements> = [];
    if (attachment) {
      try {
        extra = attachmentElements(attachment);
      } catch (err) {
        return Promise.reject(err);
      }
      body = attachmentBody(message.body, attachment.ref);
    }
    return this.runtime.sendOnce(chat, message.clientId, async (to) => {
      try {
        await this.runtime.sm.sendAcknowledged(out.chatMessage(to, message.clientId, body, extra));
      } catch (err) {
        throw new Error(`${this.own}: the connection to ${this.runtime.server} dropped before the server confirmed the message (${(err as Error).message}).`);
      }
    });
  }

  async fetchHistory(chat: string, before: string | null, limit: number): Promise<HistoryPage> {
    const connection = this.runtime.requireOnline('load history');
    const wanted = Math.max(1, limit);
    // Receipts and markers are archived too, so a page of the archive may hold few messages.
    const found: Array<{ archiveId: string; message: IncomingMessage }> = [];
    let cursor = before ?? '';
    let reachedStart = false;
    for (let pages = 0; pages < HISTORY_MAX_PAGES && found.length < wanted; pages++) {
      const page = await this.runtime.archive.page(connection.iqCaller, { with: normalizeAddress(chat), max: PAGE_SIZE, before: cursor });
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
    const connection = this.runtime.requireOnline('send a read marker');
    await connection.send(out.displayedMarker(normalizeAddress(chat), stanzaIdOf(upToNetworkId), randomUUID()));
  }

  async setTyping(chat: string, state: 'composing' | 'paused' | 'active'): Promise<void> {
    // A typing notification is worthless later: offline, it is dropped.
    const connection = this.runtime.online;
    if (!connection) return;
    await connection.send(out.chatState(normalizeAddress(chat), state, randomUUID()));
  }

  /** XEP-0363: streams the file to a slot of the server's upload service. See file-transfer.ts. */
  upload(path: string, meta: AttachmentMeta, options?: TransferOptions): Promise<RemoteAttachment> {
    return uploadFile(this.files, path, meta, options);
  }

  /** Streams the attachment's URL into destPath, by way of destPath + '.part'. See file-transfer.ts. */
  download(attachment: RemoteAttachment, destPath: string, options?: TransferOptions): Promise<void> {
    return downloadFile(this.files, attachment, destPath, options);
  }

  // ---- connection lifecycle ----

  /**
   * Roster and carbons on a new session, then the archive catch-up and initial presence (see
   * AdapterRuntime.catchUpAndAnnounce). A resumed session still has its roster, carbons and
   * presence: it only catches up. Every session (a resumed one lands on a new connection, maybe of
   * a reconfigured server) discovers the upload service, whose limit becomes attachmentLimits.
   */
  private async startSession(connection: XmppConnection, resumed: boolean): Promise<void> {
    const failed = this.runtime.failed(connection);
    if (!resumed) {
      connection.iqCaller.request(out.rosterRequest())
        .then((answer) => this.applyRoster(answer.getChild('query', NS.roster))).catch(failed('loading the roster'));
      connection.iqCaller.request(out.enableCarbons()).catch(failed('enabling carbons'));
    }
    const uploads = this.runtime.discoverUploads(connection).then((service) => {
      const limits = attachmentLimitsFor(service);
      const changed = JSON.stringify(limits) !== JSON.stringify(this.info.capabilities.attachmentLimits);
      this.info.capabilities.attachmentLimits = limits;
      // A slow server answers after the session counted as online: say so, or the UI keeps
      // refusing files until the next state change.
      if (changed) this.runtime.emit({ type: 'capabilities' });
    }, failed('finding the upload service'));
    await Promise.all([
      this.runtime.catchUpAndAnnounce(connection, resumed, (items) => {
        for (const item of items) this.deliver(this.interpretArchive(item));
      }),
      Promise.race([uploads, new Promise((resolve) => setTimeout(resolve, UPLOAD_DISCOVERY_WAIT_MS).unref())]),
    ]);
  }

  // ---- incoming ----

  private onStanza(connection: XmppConnection, stanza: Element): void {
    if (stanza.name === 'presence') {
      this.onPresence(stanza);
      return;
    }
    if (stanza.name !== 'message') return;
    const result = interpretLive(stanza, this.own, this.ctx.now());
    if (result.refused) {
      this.runtime.log('warn', 'ignored a forged carbon', { detail: result.refused });
      return;
    }
    this.deliver(result);
    this.runtime.noteLive(connection, stanza);
    const ask = result.answerReceipt;
    if (ask) connection.send(out.deliveryReceipt(ask.to, ask.id, randomUUID())).catch(() => {});
  }

  private onPresence(stanza: Element): void {
    const from = stanza.attrs.from?.split('/')[0]?.toLowerCase();
    const type = stanza.attrs.type;
    if (!from || from === this.own || (type && type !== 'unavailable')) return;
    const status = stanza.getChildText('status') ?? undefined;
    this.runtime.emit({ type: 'presence', address: from, available: type !== 'unavailable', ...(status ? { status } : {}) });
  }

  private interpretArchive(item: ArchiveItem): Interpretation {
    return interpretArchived(item.forwarded, item.archiveId, this.own, this.ctx.now());
  }

  private deliver(result: Interpretation): void {
    for (const event of result.events) {
      if (event.type === 'message') {
        const chat = this.chats.upsert(event.message.chat);
        if (chat) this.runtime.emit({ type: 'chat', chat });
      }
      this.runtime.emit(event);
    }
  }

  private applyRoster(query: Element | undefined): void {
    for (const item of rosterItems(query)) {
      if (item.removed) continue;
      const chat = this.chats.upsert(item.jid, item.name ?? item.jid);
      if (chat) this.runtime.emit({ type: 'chat', chat });
    }
  }
}
