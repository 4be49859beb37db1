// The contract between the UI and the core: every request, its parameters (validated at runtime
// at the boundary, since a renderer is untrusted), its result, and every event the core pushes.
// The renderer imports this file's *types* only (`import type`).

import { z } from 'zod';
import type { ConnectionState, NetworkId, SecuritySummary } from '../../protocols/adapter';

export type { ConnectionState, NetworkId, SecuritySummary };

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

/** Text someone wrote, a notice from the app (a safety number changed), or a message that could not be decrypted. */
export type MessageKind = 'text' | 'notice' | 'undecryptable';

/** A first message from someone new (interop) is a request until the user accepts or blocks it. */
export type RequestState = 'accepted' | 'pending' | 'blocked';

export interface Settings {
  /** Interoperability (the DMA interop channel) is off until the user turns it on. */
  interopEnabled: boolean;
}

export interface SafetyNumberView {
  /** 60 digits, no spaces: the user reads them in 12 groups of 5. */
  digits: string;
  /** The bytes of the scannable code (libsignal's fingerprint), base64. */
  scannable: string;
}

export interface AccountView {
  id: string;
  network: NetworkId;
  networkName: string;
  address: string;
  host: string | null;
  port: number | null;
  state: ConnectionState;
  /** The user's own address as others reach it (interop: "Your interop address"); null when unknown. */
  ownAddress: string | null;
}

export interface ChatView {
  id: number;
  accountId: string;
  network: NetworkId;
  networkName: string;
  address: string;
  title: string;
  kind: 'direct' | 'group';
  inbox: 'native' | 'interop';
  security: SecuritySummary;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
  unreadCount: number;
  lastPreview: string | null;
  lastSenderMe: boolean;
  lastActivityAt: number;
  draft: string;
  requestState: RequestState;
  /** The user marked the safety number verified (end-to-end networks). */
  verified: boolean;
  /** The contact's identity key changed and the user has not acknowledged it. */
  identityChanged: boolean;
}

export interface MessageView {
  id: number;
  chatId: number;
  clientId: string | null;
  sender: string;
  senderName: string | null;
  fromMe: boolean;
  body: string;
  sentAt: number;
  status: MessageStatus;
  error: string | null;
  editedAt: number | null;
  deleted: boolean;
  kind: MessageKind;
}

export interface Cursor {
  sentAt: number;
  id: number;
}

export interface MessagesPage {
  /** Oldest first. */
  messages: MessageView[];
  olderCursor: Cursor | null;
  /** Set when the page does not reach the newest message (a jump to a search hit). */
  newerCursor: Cursor | null;
}

export interface SearchResult {
  messageId: number;
  chatId: number;
  chatTitle: string;
  sender: string;
  fromMe: boolean;
  body: string;
  sentAt: number;
}

export interface Snapshot {
  accounts: AccountView[];
  chats: ChatView[];
}

const id = z.number().int().positive();
const cursor = z.object({ sentAt: z.number(), id: z.number().int() });
// Bodies are capped at the boundary: a message larger than this is not a chat message.
const MAX_BODY = 64 * 1024;

/** Parameters of every request, validated by the core before it acts. */
export const requestSchemas = {
  getSnapshot: z.object({}),
  listChats: z.object({ limit: z.number().int().min(1).max(5000), includeArchived: z.boolean().optional() }),
  addAccount: z
    .object({
      network: z.enum(['xmpp', 'interop']),
      address: z.string().min(3).max(3071),
      password: z.string().min(1).max(1024),
      host: z.string().max(255).optional(),
      port: z.number().int().min(1).max(65535).optional(),
      // An optional SOCKS5 proxy between the app and the server.
      proxyHost: z.string().min(1).max(255).optional(),
      proxyPort: z.number().int().min(1).max(65535).optional(),
      proxyUsername: z.string().min(1).max(255).optional(),
      proxyPassword: z.string().min(1).max(1024).optional(),
    })
    .refine((p) => (p.proxyHost === undefined) === (p.proxyPort === undefined), {
      message: 'a proxy needs both a host and a port',
    })
    .refine((p) => p.proxyHost !== undefined || (p.proxyUsername === undefined && p.proxyPassword === undefined), {
      message: 'proxy credentials need a proxy host and port',
    }),
  removeAccount: z.object({ accountId: z.string().min(1).max(64) }),
  reconnectAccount: z.object({ accountId: z.string().min(1).max(64) }),
  startChat: z.object({ accountId: z.string().min(1).max(64), address: z.string().min(1).max(3071) }),
  openChat: z.object({ chatId: id, limit: z.number().int().min(1).max(500).optional() }),
  closeChat: z.object({}),
  loadOlder: z.object({ chatId: id, before: cursor, limit: z.number().int().min(1).max(500).optional() }),
  loadNewer: z.object({ chatId: id, after: cursor, limit: z.number().int().min(1).max(500).optional() }),
  loadAround: z.object({ messageId: id, limit: z.number().int().min(1).max(500).optional() }),
  send: z.object({ chatId: id, body: z.string().min(1).max(MAX_BODY) }),
  retry: z.object({ messageId: id }),
  setDraft: z.object({ chatId: id, draft: z.string().max(MAX_BODY) }),
  setTyping: z.object({ chatId: id, state: z.enum(['composing', 'paused', 'active']) }),
  setChatFlags: z.object({
    chatId: id,
    pinned: z.boolean().optional(),
    muted: z.boolean().optional(),
    archived: z.boolean().optional(),
  }),
  search: z.object({ query: z.string().max(512), limit: z.number().int().min(1).max(200).optional() }),
  getSettings: z.object({}),
  setInteropEnabled: z.object({ enabled: z.boolean() }),
  acceptChat: z.object({ chatId: id }),
  blockChat: z.object({ chatId: id }),
  getSafetyNumber: z.object({ chatId: id }),
  markVerified: z.object({ chatId: id, verified: z.boolean().optional() }),
  acknowledgeIdentity: z.object({ chatId: id }),
} as const;

export type Method = keyof typeof requestSchemas;
export type Params<M extends Method> = z.infer<(typeof requestSchemas)[M]>;

/** What each request answers. */
export interface Results {
  getSnapshot: Snapshot;
  listChats: ChatView[];
  addAccount: AccountView;
  removeAccount: null;
  reconnectAccount: null;
  startChat: ChatView;
  openChat: { chat: ChatView; page: MessagesPage };
  closeChat: null;
  loadOlder: MessagesPage;
  loadNewer: MessagesPage;
  loadAround: MessagesPage & { chat: ChatView };
  send: MessageView;
  retry: MessageView;
  setDraft: null;
  setTyping: null;
  setChatFlags: ChatView;
  search: SearchResult[];
  getSettings: Settings;
  setInteropEnabled: Settings;
  acceptChat: ChatView;
  blockChat: ChatView;
  getSafetyNumber: SafetyNumberView;
  markVerified: ChatView;
  acknowledgeIdentity: ChatView;
}

export type ErrorCode = 'invalid-request' | 'not-found' | 'invalid-address' | 'unavailable' | 'internal';

/** Calls return, never throw: the caller decides what a failure means. */
export type Result<T> = { ok: true; value: T } | { ok: false, error: { code: ErrorCode; message: string } };

/** Everything the core pushes to the UI. */
export type CoreEvent =
  | { type: 'account'; account: AccountView }
  | { type: 'accountRemoved'; accountId: string }
  | { type: 'chat'; chat: ChatView }
  | { type: 'chatRemoved'; chatId: number }
  | { type: 'message'; message: MessageView }
  | { type: 'messageUpdated'; message: MessageView }
  | { type: 'typing'; chatId: number; from: string; state: 'composing' | 'paused' | 'active' }
  | { type: 'notification'; chatId: number; title: string; body: string }
  | { type: 'settings'; settings: Settings }
  /** Emitted by a bridge (never the core) after it lost and regained the core: reload state. */
  | { type: 'resync' };

/** What the renderer sees as `window.switchboard`, in Electron (preload) and in the browser mode. */
export interface SwitchboardApi {
  readonly platform: 'electron' | 'browser';
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>>;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
}
