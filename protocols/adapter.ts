// The one interface every network implements. The service (electron/service) drives adapters only
// through this file; an adapter knows nothing of the store, Electron or the UI, so it can be run and
// tested alone against its real server.

export type NetworkId = 'xmpp' | 'interop' | 'irc' | 'matrix';

export type AttachmentKind = 'image' | 'voice' | 'video' | 'file';

/** Capabilities are data, so the UI can explain what a network cannot do instead of failing. */
export interface Capabilities {
  typing: boolean;
  deliveryReceipts: boolean;
  readMarkers: boolean;
  /** Receiving edits; sending them is a later capability. */
  edits: boolean;
  deletes: boolean;
  reactions: boolean;
  replies: boolean;
  /**
   * Largest accepted size in bytes per attachment kind; null when the network takes no files (or,
   * for XMPP, until the server's upload service and its limit are known after connecting).
   */
  attachmentLimits: Partial<Record<AttachmentKind, number>> | null;
  history: boolean;
  groups: boolean;
  /** The end-to-end protocol, or null when the server can read messages. */
  e2ee: string | null;
}

export interface AdapterInfo {
  network: NetworkId;
  /** Human name of the network, e.g. "XMPP". */
  name: string;
  capabilities: Capabilities;
}

/** Why an account is offline, in words the UI turns into advice. */
export type OfflineReason =
  | 'wrong-password'
  | 'host-unreachable'
  | 'tls-failure'
  | 'protocol-error'
  | 'stopped';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'offline'; reason: OfflineReason; detail: string };

/** Where a chat's encryption ends; shown to the user as is. */
export interface SecuritySummary {
  e2ee: boolean;
  protocol: string | null;
  endsAt: 'recipient-device' | 'bridge' | 'server';
  /** One line for the chat header, e.g. "Encrypted in transit · the server can read messages". */
  label: string;
}

export interface ChatInfo {
  /** The network's address of the chat in canonical form (see ProtocolAdapter.normalize). */
  address: string;
  title: string;
  kind: 'direct' | 'group';
  /** Decided by the adapter, never guessed by the UI. */
  inbox: 'native' | 'interop';
  security: SecuritySummary;
}

/**
 * What every network carries of an attachment. All of it comes from the sender and is untrusted:
 * the name in particular is sanitised by the service before anything is saved under it.
 */
export interface AttachmentMeta {
  kind: AttachmentKind;
  mime: string;
  /** Size of the plaintext in bytes. */
  size: number;
  name: string;
  width?: number;
  height?: number;
  /** Voice and video. */
  durationMs?: number;
  /** Voice: loudness samples, each 0-255, at most 64 of them. */
  waveform?: number[];
  /** Image and video: a small JPEG preview (a poster frame for video), base64, at most 16 KiB decoded. */
  thumbnail?: string;
}

/** An uploaded attachment: its description plus the network's reference to fetch it from. */
export interface RemoteAttachment extends AttachmentMeta {
  /**
   * Opaque to the service; only the adapter that made it reads it back (XMPP: the URL; interop:
   * the URL, key and digest). Stored with the message, so it must stay valid across restarts.
   */
  ref: string;
}

/** Progress and cancellation for one upload or download. */
export interface TransferOptions {
  onProgress?(transferred: number, total: number): void;
  signal?: AbortSignal;
}

export type AttachmentErrorCode =
  | 'too-large'
  | 'no-upload-service'
  | 'integrity'
  | 'http'
  | 'aborted';

/** A transfer failed for a reason the UI can name: `message` is written for the user. */
export class AttachmentError extends Error {
  constructor(readonly code: AttachmentErrorCode, message: string) {
    super(message);
    this.name = 'AttachmentError';
  }
}

export interface IncomingMessage {
  chat: string;
  /** Stable id of this message on the network; the service drops duplicates by it. */
  networkId: string;
  /** For own messages (carbons, archive): the client id the sending client chose, when known. */
  clientId?: string;
  sender: string;
  senderName?: string;
  fromMe: boolean;
  body: string;
  /** Milliseconds since the epoch, as the server or sender stamped it. */
  sentAt: number;
  /** True when it comes from history catch-up rather than live: no notification. */
  historical: boolean;
  /** Files that came with the message; `body` is then the caption (may be empty). */
  attachments?: RemoteAttachment[];
}

export type AdapterEvent =
  | { type: 'state'; state: ConnectionState }
  | { type: 'chat'; chat: ChatInfo }
  | { type: 'message'; message: IncomingMessage }
  | { type: 'edit'; chat: string; targetNetworkId: string; body: string; at: number }
  | { type: 'delete'; chat: string; targetNetworkId: string; at: number }
  | {
      type: 'receipt';
      chat: string;
      /** networkIds of own messages; for 'read' every own message up to these is read. */
      targetNetworkIds: string[];
      status: 'delivered' | 'read';
      at: number;
    }
  | { type: 'typing'; chat: string; from: string; state: 'composing' | 'paused' | 'active' }
  | { type: 'presence'; address: string; available: boolean; status?: string }
  /** `info.capabilities` changed (the attachment limits became known after going online). */
  | { type: 'capabilities' }
  /** End-to-end networks: a contact's identity key appeared for the first time or changed. */
  | { type: 'identity'; chat: string; change: 'first-seen' | 'changed'; at: number }
  /**
   * End-to-end networks: a message arrived that could not be decrypted. The adapter has already
   * asked the sender's device to resend it through a fresh session.
   */
  | { type: 'undecryptable'; chat: string; networkId: string; sender: string; sentAt: number; reason: string };

export interface OutgoingMessage {
  /** Chosen by the service; sending the same clientId twice must not make two messages. */
  clientId: string;
  /** The text, or the caption when there are attachments (may then be empty). */
  body: string;
  /** Already uploaded with `upload`; sent in this one message. */
  attachments?: RemoteAttachment[];
}

export interface SendResult {
  networkId: string;
  sentAt: number;
}

export interface HistoryPage {
  messages: IncomingMessage[];
  /** Pass back as `before` for the next older page; null when the start was reached. */
  before: string | null;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A small persistent key-value store the adapter owns (catch-up cursors, keys, sessions). */
export interface AdapterState {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

export interface AdapterContext {
  log: Logger;
  state: AdapterState;
  now(): number;
  /**
   * Whether the user accepted this chat (a first message from someone new is a request). Until
   * then an adapter sends no delivery or read receipts and no typing to it. Absent: all accepted.
   */
  isAccepted?(chat: string): boolean;
}

/** A contact's safety number: the 60 digits both sides compare, and the bytes of a scannable code. */
export interface SafetyNumber {
  digits: string;
  scannable: Uint8Array;
}

export interface AccountSettings {
  /** The user's address on the network (a JID for XMPP). */
  address: string;
  password: string;
  /** Override for self-hosted servers; default from the address. */
  host?: string;
  port?: number;
  /** Extra trusted CA certificates (PEM), for private servers with their own CA. */
  trustedCa?: string;
  /** Optional SOCKS5 proxy between the app and the server (gatekeepers allow one for interop). */
  proxy?: { host: string; port: number; username?: string; password?: string };
}

export type AdapterListener = (event: AdapterEvent) => void;

export interface ProtocolAdapter {
  readonly info: AdapterInfo;
  readonly state: ConnectionState;
  /** Subscribes to the one event stream; returns the unsubscribe function. */
  onEvent(listener: AdapterListener): () => void;
  /** Starts connecting and keeps the connection up (reconnecting with backoff) until disconnect(). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The canonical form of an address, or throws an Error that says what is wrong with it. */
  normalize(address: string): string;
  startChat(address: string): Promise<ChatInfo>;
  send(chat: string, message: OutgoingMessage): Promise<SendResult>;
  fetchHistory(chat: string, before: string | null, limit: number): Promise<HistoryPage>;
  /** Tells the sender the user has seen messages up to and including this one. */
  markRead(chat: string, upToNetworkId: string): Promise<void>;
  setTyping(chat: string, state: 'composing' | 'paused' | 'active'): Promise<void>;
  /** End-to-end networks only: the safety number with this contact, for verification. */
  safetyNumber?(chat: string): Promise<SafetyNumber>;
  /** The user's own address on this network, as others reach it (shown as "Your interop address"). */
  ownAddress?(): string;
  /**
   * Networks with attachments: streams the file at `path` to the network (encrypting it first on
   * end-to-end networks) and returns what `send` needs to reference it. Refuses a file over the
   * limit for its kind with AttachmentError('too-large') before sending a byte.
   */
  upload?(path: string, meta: AttachmentMeta, options?: TransferOptions): Promise<RemoteAttachment>;
  /**
   * Streams a received attachment's plaintext into `destPath`, after every check the network has
   * (size, digest, authentication tag); on any failure rejects with AttachmentError and leaves no
   * file at `destPath`. Needs no live connection: the reference carries what it needs.
   */
  download?(attachment: RemoteAttachment, destPath: string, options?: TransferOptions): Promise<void>;
}
