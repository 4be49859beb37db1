// The contract between the UI and the core: every request, its parameters (validated at runtime
// at the boundary, since a renderer is untrusted), its result, and every event the core pushes.
// The renderer imports this file's *types* only (`import type`).

import { z } from 'zod';
import type { ConnectionState, NetworkId, SecuritySummary } from '../../protocols/adapter';

export type { ConnectionState, NetworkId, SecuritySummary };

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface AccountView {
  id: string;
  network: NetworkId;
  networkName: string;
  address: string;
  host: string | null;
  port: number | null;
  state: ConnectionState;
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
  addAccount: z.object({
    network: z.enum(['xmpp']),
    address: z.string().min(3).max(3071),
    password: z.string().min(1).max(1024),
    host: z.string().max(255).optional(),
    port: z.number().int().min(1).max(65535).optional(),
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
  /** Emitted by a bridge (never the core) after it lost and regained the core: reload state. */
  | { type: 'resync' };

/** What the renderer sees as `window.switchboard`, in Electron (preload) and in the browser mode. */
export interface SwitchboardApi {
  readonly platform: 'electron' | 'browser';
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>>;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
}
