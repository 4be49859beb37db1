// The messenger core: one instance per profile, the same inside Electron and the headless host.
// Every UI request enters through `call`, is validated against the contract, and returns a Result.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterEvent, ConnectionState, Logger } from '../../protocols/adapter';
import {
  requestSchemas,
  type AccountView,
  type Settings,
  type CoreEvent,
  type Method,
  type Params,
  type Result,
  type Results,
} from '../api/contract';
import { openStore } from '../store/store';
import type { AccountRow, ChatRow, Store } from '../store/types';
import { AccountHost, type StoredSettings } from './accountHost';
import { CoreEvents } from './coreEvents';
import { EarlyReceipts } from './earlyReceipts';
import { Ingest } from './ingest';
import { createLogger } from './logger';
import { Media } from './media';
import { mediaHandlers } from './mediaHandlers';
import { messageViews } from './messageViews';
import { createAdapter, NetworkUnavailableError, networkNames, type AdapterTuning } from './networks';
import { Outbox } from './outbox';
import { lockProfile } from './profileLock';
import { keyFileSecretBox, type SecretBox } from './secretBox';
import { DEFAULT_PAGE, readHandlers } from './readHandlers';
import { ServiceError } from './serviceError';
import { accountView, chatView } from './views';

export interface ServiceOptions {
  /** The profile folder: the database, the log and the key file live here. */
  dataDir: string;
  /** How secrets are sealed; defaults to a key file in the profile. */
  secrets?: SecretBox;
  tuning?: AdapterTuning;
  /** Extra CA (PEM) every account trusts, for private servers. */
  trustedCa?: string;
  logToStderr?: boolean;
  /** Largest file a door may stage; 2 GiB unless a test lowers it. */
  stageCapBytes?: number;
}

type Handlers = { [M in Method]: (params: Params<M>) => Promise<Results[M]> | Results[M] };


const INTEROP_SETTING = 'interop.enabled';

const INTEROP_OFF_DETAIL = 'Interoperability is off. Turn it on in Settings → Interoperability.';
const INTEROP_OFF: ConnectionState = { kind: 'offline', reason: 'stopped', detail: INTEROP_OFF_DETAIL };

export class SwitchboardService {
  readonly store: Store;
  readonly log: Logger & { child(fields: Record<string, unknown>): Logger };
  private readonly events = new CoreEvents();
  private readonly accounts: AccountHost;
  private readonly outbox: Outbox;
  private readonly ingest: Ingest;
  /** The media cache, transfers and saving (media.ts); the doors stage and read files through it. */
  readonly media: Media;
  private readonly views = messageViews(() => this.store);
  private readonly secrets: SecretBox;
  private readonly tuning: AdapterTuning;
  private activeChatId: number | null = null;
  private readonly unlock: () => void;
  /** Why an account's adapter could not be created (a network this build lacks), for its view. */
  private readonly loadErrors = new Map<string, string>();

  constructor(options: ServiceOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    this.unlock = lockProfile(options.dataDir);
    this.log = createLogger({ file: join(options.dataDir, 'switchboard.log'), stderr: options.logToStderr ?? false });
    this.store = openStore(join(options.dataDir, 'switchboard.sqlite'));
    this.secrets = options.secrets ?? keyFileSecretBox(options.dataDir);
    this.tuning = options.tuning ?? {};
    this.accounts = new AccountHost({
      store: this.store,
      secrets: this.secrets,
      tuning: this.tuning,
      log: this.log,
      ...(options.trustedCa ? { trustedCa: options.trustedCa } : {}),
      onEvent: (accountId, event) => this.ingest.handle(accountId, event),
      isAccepted: (accountId, chat) => this.ingest.isAccepted(accountId, chat),
    });
    const earlyReceipts = new EarlyReceipts();
    this.media = new Media({
      store: this.store,
      dataDir: options.dataDir,
      log: this.log,
      adapterFor: (id) => this.accounts.adapter(id),
      whyNoAdapter: (id) => this.whyNoAdapter(id),
      emit: (event) => this.emit(event),
      views: this.views,
      ...(options.stageCapBytes !== undefined ? { stageCapBytes: options.stageCapBytes } : {}),
    });
    this.outbox = new Outbox({
      store: this.store,
      earlyReceipts,
      adapterFor: (id) => this.accounts.adapter(id),
      onUpdated: (row) => this.emit({ type: 'messageUpdated', message: this.views.one(row) }),
      uploads: this.media.uploads,
      log: this.log,
    });
    this.ingest = new Ingest({
      store: this.store,
      accounts: this.accounts,
      outbox: this.outbox,
      earlyReceipts,
      emit: (event) => this.emit(event),
      emitAccount: (id) => this.emitAccount(id),
      activeChatId: () => this.activeChatId,
      messageView: (row) => this.views.one(row),
      log: this.log,
    });
  }

  /** Connects every stored account; what is still queued is sent as each comes online. */
  async start(): Promise<void> {
    for (const row of this.store.listAccounts()) this.startAccount(row);
    // Downloads a stop or crash interrupted go on (their adapters exist now).
    this.media.start();
  }

  /** Interop accounts stay disconnected while interoperability is off. */
  private mayConnect(row: AccountRow): boolean {
    return row.network !== 'interop' || this.interopEnabled();
  }

  /** Creates and connects the account's adapter, if it may connect; a failure is shown on the account. */
  private startAccount(row: AccountRow): void {
    if (!this.mayConnect(row)) return;
    try {
      this.accounts.load(row);
      this.loadErrors.delete(row.id);
      void this.accounts.connect(row.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.loadErrors.set(row.id, message);
      this.log.error('account could not start', { accountId: row.id, error: message });
    }
  }

  private interopEnabled(): boolean {
    return this.store.getSetting(INTEROP_SETTING) === '1';
  }

  private settings(): Settings {
    return { interopEnabled: this.interopEnabled(), autoDownloadMaxBytes: this.media.autoDownloadMaxBytes() };
  }

  private accountState(row: AccountRow): ConnectionState {
    if (this.accounts.isRunning(row.id)) return this.accounts.state(row.id);
    if (!this.mayConnect(row)) return INTEROP_OFF;
    const error = this.loadErrors.get(row.id);
    if (error) return { kind: 'offline', reason: 'protocol-error', detail: error };
    return this.accounts.state(row.id);
  }

  private viewOf(row: AccountRow): AccountView {
    const adapter = this.accounts.adapter(row.id);
    let own: string | null = null;
    try {
      own = adapter?.ownAddress?.() ?? (row.network === 'interop' ? row.address : null);
    } catch {
      own = row.address;
    }
    const limits = adapter?.upload ? adapter.info.capabilities.attachmentLimits : null;
    return accountView(row, this.accountState(row), own, limits);
  }

  /**
   * Hands the core an event as if the account's adapter had emitted it. The door for benchmarks
   * and tests that measure or drive the core without a network; the app itself never calls it.
   */
  injectAdapterEvent(accountId: string, event: AdapterEvent): void {
    this.ingest.handle(accountId, event);
  }

  /** Stores what arrived but is still waiting for its batch (benchmarks and shutdown). */
  flushIncoming(): void {
    this.ingest.flushAll();
  }

  async stop(): Promise<void> {
    // First: an upload cut off here keeps its message queued, and a download resumes next start.
    await this.media.stop();
    await this.accounts.stopAll();
    this.ingest.flushAll();
    await this.outbox.idle();
    this.store.close();
    this.unlock();
  }

  onEvent(listener: (event: CoreEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** The one door for UI requests: unknown methods and bad parameters are answered, not thrown. */
  async call(method: string, params: unknown): Promise<Result<unknown>> {
    if (!Object.hasOwn(requestSchemas, method)) {
      return { ok: false, error: { code: 'invalid-request', message: `Unknown request "${method.slice(0, 64)}".` } };
    }
    const m = method as Method;
    const parsed = requestSchemas[m].safeParse(params ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid-request', message: `Invalid ${m} request: ${parsed.error.issues[0]?.message ?? 'bad parameters'}.` } };
    }
    try {
      const handler = this.handlers[m] as (p: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      if (err instanceof ServiceError) return { ok: false, error: { code: err.code, message: err.message } };
      const message = err instanceof Error ? err.message : String(err);
      this.log.error('request failed', { method: m, error: message });
      return { ok: false, error: { code: 'internal', message: `Something went wrong (${message}). Details are in the log.` } };
    }
  }

  private emit(event: CoreEvent): void {
    this.events.emit(event);
    // A stored message with files may be fetched at once (auto-download of images and voice).
    if (event.type === 'message' && event.message.attachments.length > 0) this.media.noticeStored(event.message);
  }

  /** Why an account has no adapter to move files with, in words for the user. */
  private whyNoAdapter(accountId: string): string {
    const row = this.store.getAccount(accountId);
    if (!row) return 'That account no longer exists.';
    if (!this.mayConnect(row)) return INTEROP_OFF_DETAIL;
    return this.loadErrors.get(accountId) ?? `${row.address} is not running.`;
  }

  /**
   * Copies an attachment that is here into `directory`, under its sanitised name and never over an
   * existing file; returns the path written. Used by the doors' "Save" and by tests.
   */
  saveAttachmentTo(attachmentId: number, directory: string): Promise<string> {
    return this.media.saveAttachmentTo(attachmentId, directory);
  }

  private accountViewOf(accountId: string): AccountView | undefined {
    const row = this.store.getAccount(accountId);
    return row ? this.viewOf(row) : undefined;
  }

  private emitAccount(accountId: string): void {
    const view = this.accountViewOf(accountId);
    if (view) this.emit({ type: 'account', account: view });
  }

  private chatOrThrow(chatId: number) {
    const chat = this.store.getChat(chatId);
    if (!chat) throw new ServiceError('not-found', 'That chat no longer exists.');
    return chat;
  }

  /** Interop chats whose request is not accepted get nothing from the user: no replies, no typing. */
  private acceptedChatOrThrow(chatId: number): ChatRow {
    const chat = this.chatOrThrow(chatId);
    if (chat.requestState === 'pending') throw new ServiceError('invalid-request', `Accept ${chat.title}'s message request first.`);
    if (chat.requestState === 'blocked') throw new ServiceError('invalid-request', `${chat.title} is blocked.`);
    return chat;
  }

  private e2eeChatOrThrow(chatId: number): ChatRow {
    const chat = this.chatOrThrow(chatId);
    if (!chat.security.e2ee) {
      throw new ServiceError('invalid-request', `${chat.title} is not end-to-end encrypted, so it has no safety number.`);
    }
    return chat;
  }

  private emitChat(row: ChatRow) {
    const view = chatView(row);
    this.emit({ type: 'chat', chat: view });
    return view;
  }

  private readonly handlers: Handlers = {
    ...readHandlers(() => this.store, (chatId) => this.chatOrThrow(chatId), this.views),
    ...mediaHandlers({
      storeOf: () => this.store,
      mediaOf: () => this.media,
      views: this.views,
      emit: (event) => this.emit(event),
      adapterFor: (id) => this.accounts.adapter(id),
      whyNoAdapter: (id) => this.whyNoAdapter(id),
      acceptedChatOrThrow: (chatId) => this.acceptedChatOrThrow(chatId),
      kickOutbox: (id) => this.outbox.kick(id),
    }),

    setAutoDownload: ({ maxBytes }) => {
      this.media.setAutoDownloadMaxBytes(maxBytes);
      const settings = this.settings();
      this.emit({ type: 'settings', settings });
      return settings;
    },

    getSnapshot: () => ({
      accounts: this.store.listAccounts().map((row) => this.viewOf(row)),
      chats: this.store.listChats({ limit: 1000, includeArchived: true }).map(chatView),
    }),

    addAccount: async (p) => {
      let address: string;
      try {
        // An adapter that is never connected: only its rules for addresses are asked.
        const probe = createAdapter(
          p.network,
          { address: p.address, password: p.password },
          { log: this.log, now: () => Date.now(), state: { get: () => undefined, set: () => undefined, delete: () => undefined } },
          this.tuning,
        );
        address = probe.normalize(p.address);
      } catch (err) {
        if (err instanceof NetworkUnavailableError) throw new ServiceError('unavailable', err.message);
        throw new ServiceError('invalid-address', err instanceof Error ? err.message : 'That address is not valid.');
      }
      if (this.store.listAccounts().some((a) => a.network === p.network && a.address === address)) {
        throw new ServiceError('invalid-request', `${address} is already added.`);
      }
      const settings: StoredSettings = {
        password: this.secrets.seal(p.password),
        ...(p.host ? { host: p.host.trim() } : {}),
        ...(p.port ? { port: p.port } : {}),
        ...(p.proxyHost && p.proxyPort
          ? {
              proxy: {
                host: p.proxyHost.trim(),
                port: p.proxyPort,
                ...(p.proxyUsername ? { username: p.proxyUsername } : {}),
                ...(p.proxyPassword ? { password: this.secrets.seal(p.proxyPassword) } : {}),
              },
            }
          : {}),
      };
      const row: AccountRow = { id: randomUUID(), network: p.network, address, settingsJson: JSON.stringify(settings), createdAt: Date.now() };
      this.store.addAccount(row);
      this.startAccount(row);
      this.emitAccount(row.id);
      return this.viewOf(row);
    },

    removeAccount: async ({ accountId }) => {
      if (!this.store.getAccount(accountId)) throw new ServiceError('not-found', 'That account is already removed.');
      const chats = this.store.listChats({ limit: 1_000_000, includeArchived: true }).filter((c) => c.accountId === accountId);
      await this.accounts.stop(accountId);
      this.store.removeAccount(accountId);
      if (chats.some((c) => c.id === this.activeChatId)) this.activeChatId = null;
      for (const chat of chats) this.emit({ type: 'chatRemoved', chatId: chat.id });
      this.emit({ type: 'accountRemoved', accountId });
      return null;
    },

    reconnectAccount: async ({ accountId }) => {
      const row = this.store.getAccount(accountId);
      if (!row) throw new ServiceError('not-found', 'That account no longer exists.');
      if (!this.mayConnect(row)) throw new ServiceError('unavailable', INTEROP_OFF_DETAIL);
      await this.accounts.stop(accountId);
      this.startAccount(row);
      this.emitAccount(accountId);
      return null;
    },

    startChat: async ({ accountId, address }) => {
      const account = this.store.getAccount(accountId);
      if (!account) throw new ServiceError('not-found', 'That account no longer exists.');
      if (!this.mayConnect(account)) throw new ServiceError('unavailable', INTEROP_OFF_DETAIL);
      const adapter = this.accounts.adapter(accountId);
      if (!adapter) {
        throw new ServiceError('unavailable', this.loadErrors.get(accountId) ?? `${account.address} is not connected.`);
      }
      let normalized: string;
      try {
        normalized = adapter.normalize(address);
      } catch (err) {
        throw new ServiceError('invalid-address', err instanceof Error ? err.message : 'That address is not valid.');
      }
      const existing = this.store.findChat(accountId, normalized);
      if (existing) return chatView(existing);
      // The user chose this contact: the chat is never a request, even if the adapter announces it
      // before startChat returns.
      const info = await this.ingest.userStarts(accountId, normalized, () => adapter.startChat(normalized));
      let row = this.store.upsertChat(accountId, info, Date.now(), 'accepted');
      if (row.requestState === 'pending') row = this.store.setRequestState(row.id, 'accepted');
      return this.emitChat(row);
    },

    openChat: ({ chatId, limit }) => {
      const chat = this.chatOrThrow(chatId);
      this.activeChatId = chatId;
      const newest = this.store.markChatRead(chatId);
      if (newest?.networkId) void this.ingest.sendReadMarker(chat.accountId, chat, newest.networkId);
      const updated = this.chatOrThrow(chatId);
      this.emit({ type: 'chat', chat: chatView(updated) });
      const page = this.store.listMessages(chatId, null, limit ?? DEFAULT_PAGE);
      return { chat: chatView(updated), page: { messages: this.views.page(page.messages), olderCursor: page.olderCursor, newerCursor: null } };
    },

    closeChat: () => {
      this.activeChatId = null;
      return null;
    },

    loadAround: ({ messageId, limit }) => {
      const message = this.store.getMessage(messageId);
      if (!message) throw new ServiceError('not-found', 'That message no longer exists.');
      const chat = this.chatOrThrow(message.chatId);
      this.activeChatId = chat.id;
      const page = this.store.listMessagesAround(messageId, limit ?? DEFAULT_PAGE);
      return { chat: chatView(chat), messages: this.views.page(page.messages), olderCursor: page.olderCursor, newerCursor: page.newerCursor };
    },

    send: ({ chatId, body }) => {
      const chat = this.acceptedChatOrThrow(chatId);
      const row = this.store.queueOutgoing({ chatId, clientId: randomUUID(), body, now: Date.now() });
      this.store.setDraft(chatId, '');
      this.emit({ type: 'message', message: this.views.one(row) });
      const updated = this.store.getChat(chatId);
      if (updated) this.emit({ type: 'chat', chat: chatView(updated) });
      this.outbox.kick(chat.accountId);
      return this.views.one(row);
    },

    retry: ({ messageId }) => {
      const message = this.store.getMessage(messageId);
      if (!message || !message.fromMe) throw new ServiceError('not-found', 'That message no longer exists.');
      if (message.status !== 'failed') return this.views.one(message);
      const row = this.store.requeue(messageId);
      this.emit({ type: 'messageUpdated', message: this.views.one(row) });
      this.outbox.kick(row.accountId);
      return this.views.one(row);
    },

    setDraft: ({ chatId, draft }) => {
      this.chatOrThrow(chatId);
      this.store.setDraft(chatId, draft);
      return null;
    },

    setTyping: async ({ chatId, state }) => {
      const chat = this.chatOrThrow(chatId);
      if (chat.requestState !== 'accepted') return null;
      const adapter = this.accounts.adapter(chat.accountId);
      if (adapter?.state.kind === 'online' && adapter.info.capabilities.typing) {
        await adapter.setTyping(chat.address, state).catch(() => undefined);
      }
      return null;
    },

    setChatFlags: ({ chatId, ...flags }) => {
      this.chatOrThrow(chatId);
      const view = chatView(this.store.setChatFlags(chatId, flags));
      this.emit({ type: 'chat', chat: view });
      return view;
    },

    getSettings: () => this.settings(),

    setInteropEnabled: async ({ enabled }) => {
      this.store.setSetting(INTEROP_SETTING, enabled ? '1' : '0');
      const interop = this.store.listAccounts().filter((a) => a.network === 'interop');
      // Off stops the channel: every interop adapter disconnects. Chats and messages stay.
      if (!enabled) await Promise.all(interop.map((a) => this.accounts.stop(a.id)));
      for (const row of interop) {
        if (enabled) this.startAccount(row);
        this.emitAccount(row.id);
      }
      const settings = this.settings();
      this.emit({ type: 'settings', settings });
      return settings;
    },

    acceptChat: ({ chatId }) => {
      const chat = this.chatOrThrow(chatId);
      if (chat.requestState === 'accepted') return chatView(chat);
      this.store.setRequestState(chatId, 'accepted');
      // Accepting is the moment the sender may learn the user read their messages.
      const newest = this.store.markChatRead(chatId);
      const updated = this.chatOrThrow(chatId);
      if (newest?.networkId) void this.ingest.sendReadMarker(chat.accountId, updated, newest.networkId);
      return this.emitChat(updated);
    },

    blockChat: ({ chatId }) => {
      this.chatOrThrow(chatId);
      this.store.markChatRead(chatId);
      if (this.activeChatId === chatId) this.activeChatId = null;
      return this.emitChat(this.store.setRequestState(chatId, 'blocked'));
    },

    getSafetyNumber: async ({ chatId }) => {
      const chat = this.e2eeChatOrThrow(chatId);
      const adapter = this.accounts.adapter(chat.accountId);
      if (!adapter?.safetyNumber) {
        const account = this.store.getAccount(chat.accountId);
        const off = account && !this.mayConnect(account);
        throw new ServiceError(
          'unavailable',
          off ? INTEROP_OFF_DETAIL : `${networkNames[chat.network]} cannot show a safety number for ${chat.title} right now.`,
        );
      }
      try {
        const number = await adapter.safetyNumber(chat.address);
        return { digits: number.digits, scannable: Buffer.from(number.scannable).toString('base64') };
      } catch (err) {
        throw new ServiceError('unavailable', `No safety number for ${chat.title} yet (${err instanceof Error ? err.message : String(err)}).`);
      }
    },

    markVerified: ({ chatId, verified }) => {
      this.e2eeChatOrThrow(chatId);
      const trust = (verified ?? true) ? { verified: true, identityChanged: false } : { verified: false };
      return this.emitChat(this.store.setChatTrust(chatId, trust));
    },

    acknowledgeIdentity: ({ chatId }) => {
      this.e2eeChatOrThrow(chatId);
      return this.emitChat(this.store.setChatTrust(chatId, { identityChanged: false }));
    },
  };
}
