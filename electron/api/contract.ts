// The contract between the UI and the core: every request, its parameters (validated at runtime
// at the boundary, since a renderer is untrusted), its result, and every event the core pushes.
// The renderer imports this file's *types* only (`import type`).

import { z } from 'zod';
import type { AttachmentKind, ConnectionState, NetworkId, SecuritySummary } from '../../protocols/adapter';

export type { AttachmentKind, ConnectionState, NetworkId, SecuritySummary };

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

/** Text someone wrote, a notice from the app (a safety number changed), or a message that could not be decrypted. */
export type MessageKind = 'text' | 'notice' | 'undecryptable';

/** A first message from someone new (interop) is a request until the user accepts or blocks it. */
export type RequestState = 'accepted' | 'pending' | 'blocked';

export interface Settings {
  /** Interoperability (the DMA interop channel) is off until the user turns it on. */
  interopEnabled: boolean;
  /** Received images and voice messages up to this size are fetched without a click; 0 turns it off. */
  autoDownloadMaxBytes: number;
}

/**
 * Where a file is: waiting, moving (with progress), here, or stopped. Own attachments go
 * pending → uploading → done; received ones pending → downloading → done.
 */
export type TransferState = 'pending' | 'uploading' | 'downloading' | 'done' | 'failed' | 'cancelled';

export interface TransferView {
  state: TransferState;
  /** Bytes moved so far and the total, for the progressbar. */
  transferred: number;
  total: number;
  /** Why it failed, in words for the user (names the limit for an oversized file). */
  error: string | null;
}

export interface AttachmentView {
  id: number;
  messageId: number;
  kind: AttachmentKind;
  mime: string;
  size: number;
  /** The sender's name for the file, shown as text; saved only under a sanitised form. */
  name: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** Voice: loudness samples 0-255. */
  waveform: number[] | null;
  /** A small JPEG preview, base64 (no data: prefix). */
  thumbnail: string | null;
  /** The bytes are in the media cache: the renderer may load them from the bridge's mediaUrl. */
  available: boolean;
  transfer: TransferView;
  /** Voice: the user has played it. */
  played: boolean;
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
  /** Largest file per kind this account can send now; null when it cannot send files (yet). */
  attachmentLimits: Partial<Record<AttachmentKind, number>> | null;
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
  /** Files in this message, in order; `body` is then the caption. Empty for text. */
  attachments: AttachmentView[];
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
const attachmentId = id;
const attachmentKind = z.enum(['image', 'voice', 'video', 'file']);
/** One file to send: staged first through the bridge's stageFile, described by the renderer. */
const outgoingItem = z.object({
  stagedId: z.string().regex(/^[0-9a-f]{64}$/),
  kind: attachmentKind,
  name: z.string().min(1).max(255),
  mime: z.string().min(1).max(255),
  width: z.number().int().min(1).max(65535).optional(),
  height: z.number().int().min(1).max(65535).optional(),
  durationMs: z.number().int().min(0).max(24 * 3600 * 1000).optional(),
  waveform: z.array(z.number().int().min(0).max(255)).max(64).optional(),
  // base64 of at most 16 KiB
  thumbnail: z.string().max(21848).regex(/^[A-Za-z0-9+/]*={0,2}$/).optional(),
});

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
  /** One message per item; the caption goes with the first. */
  sendAttachments: z.object({ chatId: id, caption: z.string().max(MAX_BODY).optional(), items: z.array(outgoingItem).min(1).max(10) }),
  downloadAttachment: z.object({ attachmentId }),
  cancelTransfer: z.object({ attachmentId }),
  /** Tries a failed or cancelled transfer again (an upload: resends its message). */
  retryTransfer: z.object({ attachmentId }),
  markPlayed: z.object({ attachmentId }),
  setAutoDownload: z.object({ maxBytes: z.number().int().min(0).max(2 ** 31) }),
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
  sendAttachments: MessageView[];
  downloadAttachment: AttachmentView;
  cancelTransfer: AttachmentView;
  retryTransfer: AttachmentView;
  markPlayed: AttachmentView;
  setAutoDownload: Settings;
}

export type ErrorCode = 'invalid-request' | 'not-found' | 'invalid-address' | 'unavailable' | 'too-large' | 'internal';

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
  /** A transfer moved (throttled to a few per second per file) or changed state. */
  | { type: 'transfer'; chatId: number; messageId: number; attachmentId: number; transfer: TransferView }
  /** Emitted by a bridge (never the core) after it lost and regained the core: reload state. */
  | { type: 'resync' };

/** What the renderer sees as `window.switchboard`, in Electron (preload) and in the browser mode. */
export interface SwitchboardApi {
  readonly platform: 'electron' | 'browser';
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>>;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /**
   * Hands a file's bytes to the core's media cache before sending; the answer's stagedId (the
   * content's SHA-256) goes into sendAttachments. The bytes stream; nothing is sent yet.
   */
  stageFile(file: Blob, name: string): Promise<Result<StagedFile>>;
  /** Where the renderer loads an available attachment from (img, audio, video src). */
  mediaUrl(attachmentId: number): string;
  /**
   * "Save as…": Electron asks where with the system dialog; the browser downloads it. The file is
   * saved under a sanitised form of its name.
   */
  saveAttachment(attachmentId: number): Promise<Result<{ saved: boolean }>>;
  /**
   * "Open", on the user's click only: Electron opens a private copy with the system's app for the
   * type; the browser shows it in a new tab. Programs, scripts, installers, shortcuts (and, in the
   * browser, anything it cannot show safely) are refused: `{ opened: false, reason }`.
   */
  openAttachment(attachmentId: number): Promise<Result<OpenedFile>>;
}

/** What "Open" did; a refusal says why, and that the user can save the file instead. */
export type OpenedFile = { opened: true } | { opened: false; reason: string };

export interface StagedFile {
  stagedId: string;
  size: number;
}
