// The one list of what the store can do. Everything that touches SQLite goes through a `Store`;
// the service sees rows, never SQL. Times are milliseconds since the epoch.

import type { AttachmentKind, AttachmentMeta, ChatInfo, IncomingMessage, NetworkId, SecuritySummary } from '../../protocols/adapter';
import type { SummaryChange } from './chat-summary';

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

/**
 * What a timeline row is: text someone wrote, a notice from the app (a contact's safety number
 * changed), or the placeholder of a message that could not be decrypted. Only text is searched,
 * previewed in the chat list and counted as unread.
 */
export type MessageKind = 'text' | 'notice' | 'undecryptable';

/** A first message from someone new (interop) is a request until the user accepts or blocks it. */
export type RequestState = 'accepted' | 'pending' | 'blocked';

export interface AccountRow {
  id: string;
  network: NetworkId;
  address: string;
  /** Adapter settings as JSON (password, host, port); the service parses it. */
  settingsJson: string;
  createdAt: number;
}

export interface ChatRow {
  id: number;
  accountId: string;
  network: NetworkId;
  address: string;
  title: string;
  kind: 'direct' | 'group';
  inbox: 'native' | 'interop';
  security: SecuritySummary;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
  unreadCount: number;
  lastMessageId: number | null;
  lastPreview: string | null;
  lastSenderMe: boolean;
  /**
   * Added by the store: the last message was deleted (its preview is then ''), so the chat list
   * can say "message deleted". Always set by the store; optional so hand-built rows need not.
   */
  lastDeleted?: boolean;
  /** Sort key of the chat list: time of the newest message, or creation time. */
  lastActivityAt: number;
  draft: string;
  requestState: RequestState;
  /** The user compared the safety number and marked it verified (end-to-end networks). */
  verified: boolean;
  /** The contact's identity key changed and the user has not acknowledged it yet. */
  identityChanged: boolean;
}

export interface MessageRow {
  /** Arrival order: a newer row always has a larger id. */
  id: number;
  chatId: number;
  accountId: string;
  networkId: string | null;
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
  /** How many attachments the message has: 0 for text, so its page never looks them up. */
  attachmentCount: number;
}

/** Where an attachment's bytes are (see TransferState in the contract). */
export type TransferState = 'pending' | 'uploading' | 'downloading' | 'done' | 'failed' | 'cancelled';

export interface AttachmentRow {
  id: number;
  messageId: number;
  /** Position in its message, from 0. */
  ordinal: number;
  kind: AttachmentKind;
  mime: string;
  /** Plaintext bytes; 0 when the sender did not say. */
  size: number;
  /** The sender's name for the file, untrusted: sanitised before anything is saved under it. */
  name: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  waveform: number[] | null;
  thumbnail: string | null;
  /** The adapter's reference to fetch it from; null for an own file not uploaded yet. */
  remoteRef: string | null;
  /** SHA-256 (hex) of the plaintext once it is in the media cache. */
  contentHash: string | null;
  transferState: TransferState;
  transferred: number;
  error: string | null;
  played: boolean;
}

/** An attachment as stored with its message: the description, plus where the bytes are. */
export interface AttachmentInput extends AttachmentMeta {
  remoteRef?: string | null;
  contentHash?: string | null;
}

/** A change to an attachment's transfer; fields left out stay as they are. */
export interface TransferUpdate {
  state: TransferState;
  transferred?: number;
  /** null clears a previous error. */
  error?: string | null;
}

/** Keyset cursor in a chat's timeline, which is ordered by (sentAt, id). */
export interface TimelineCursor {
  sentAt: number;
  id: number;
}

export interface TimelinePage {
  /** Oldest first. */
  messages: MessageRow[];
  /** Pass as `before` to get the page older than this one; null when none is left. */
  olderCursor: TimelineCursor | null;
}

export interface SearchHit {
  message: MessageRow;
  chatId: number;
  chatTitle: string;
}

export interface ChatFlags {
  pinned?: boolean;
  muted?: boolean;
  archived?: boolean;
}

/** A notice or placeholder the service puts into a timeline (see MessageKind). */
export interface SystemMessageInput {
  chatId: number;
  kind: 'notice' | 'undecryptable';
  body: string;
  sentAt: number;
  /** Who it is about (the contact's address). */
  sender: string;
  /** Makes the insert idempotent: a second row with the same key for the account is not stored. */
  dedupeKey?: string;
}

/** An own message to queue; with attachments (already in the media cache) `body` is the caption. */
export interface QueueInput {
  chatId: number;
  clientId: string;
  body: string;
  now: number;
  attachments?: AttachmentInput[];
}

export interface ChatTrust {
  verified?: boolean;
  identityChanged?: boolean;
}

export interface Store {
  close(): void;
  /** The schema version this file is at (PRAGMA user_version). */
  readonly schemaVersion: number;

  // Accounts
  addAccount(account: AccountRow): void;
  getAccount(id: string): AccountRow | undefined;
  listAccounts(): AccountRow[];
  /** Removes the account and everything it owns (chats, messages, adapter state) in one transaction. */
  removeAccount(id: string): void;

  // Adapter-owned key/value state (catch-up cursors and the like)
  getAdapterState(accountId: string, key: string): string | undefined;
  setAdapterState(accountId: string, key: string, value: string): void;
  deleteAdapterState(accountId: string, key: string): void;

  // App-wide settings (key → value)
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;

  // Chats
  /**
   * Inserts or updates title/kind/inbox/security; keeps flags, counts, draft, request state and
   * trust. `requestState` (default 'accepted') applies only when the chat is new.
   */
  upsertChat(accountId: string, info: ChatInfo, now: number, requestState?: RequestState): ChatRow;
  getChat(id: number): ChatRow | undefined;
  findChat(accountId: string, address: string): ChatRow | undefined;
  /** The stored chats among these addresses (missing ones are left out), in no particular order. */
  findChats(accountId: string, addresses: readonly string[]): ChatRow[];
  /** Newest activity first, pinned before the rest; archived only when asked. */
  listChats(options: { limit: number; includeArchived?: boolean }): ChatRow[];
  setChatFlags(chatId: number, flags: ChatFlags): ChatRow;
  setDraft(chatId: number, draft: string): void;
  setRequestState(chatId: number, state: RequestState): ChatRow;
  setChatTrust(chatId: number, trust: ChatTrust): ChatRow;
  /** Sets unread to 0; returns the newest incoming message (to send a read marker for), if any. */
  markChatRead(chatId: number): MessageRow | undefined;

  // Messages
  /** Writes an own message as `queued` and updates the chat row, in one transaction. */
  queueOutgoing(input: QueueInput): MessageRow;
  /** Marks an own message sent (queued|failed → sent); a later status is never downgraded. */
  markSent(messageId: number, networkId: string, sentAt: number): MessageRow;
  markFailed(messageId: number, error: string): MessageRow;
  /** Back to `queued` for a retry. */
  requeue(messageId: number): MessageRow;
  /** Own messages still waiting to go out for this account, oldest first. */
  listQueued(accountId: string): MessageRow[];
  /**
   * Stores a message from the network. Returns undefined for a duplicate (same account and
   * networkId) — or, for an own message whose clientId is already stored, updates that row to at
   * least `sent` and returns undefined. Updates the chat's last message and unread count.
   */
  insertIncoming(accountId: string, chatId: number, message: IncomingMessage): MessageRow | undefined;
  /**
   * Added by the store: `insertIncoming` for many messages in one transaction (history catch-up,
   * bursts), one result per item in the same order. An order of magnitude faster than one
   * transaction per message.
   */
  insertIncomingBatch(
    accountId: string,
    items: ReadonlyArray<{ chatId: number; message: IncomingMessage }>,
    /** Filled with what the batch wrote to each chat's summary (for views without a re-read). */
    changes?: Map<number, SummaryChange>,
  ): Array<MessageRow | undefined>;
  /**
   * Puts a notice or an undecryptable placeholder into a chat's timeline. It does not move the
   * chat's preview, activity or unread count, and is not searchable. Undefined for a duplicate.
   */
  insertSystemMessage(input: SystemMessageInput): MessageRow | undefined;
  /** Raises own messages' status (delivered → read), never lowers it; returns the changed rows. */
  applyReceipt(accountId: string, networkIds: string[], status: 'delivered' | 'read'): MessageRow[];
  applyEdit(accountId: string, networkId: string, body: string, at: number): MessageRow | undefined;
  applyDelete(accountId: string, networkId: string, at: number): MessageRow | undefined;
  getMessage(id: number): MessageRow | undefined;
  getMessageByClientId(accountId: string, clientId: string): MessageRow | undefined;
  /** The newest `limit` messages before `before` (or the newest overall), oldest first. */
  listMessages(chatId: number, before: TimelineCursor | null, limit: number): TimelinePage;
  /** `limit` messages on each side of one message, for jumping to a search hit. */
  listMessagesAround(messageId: number, limit: number): TimelinePage & { newerCursor: TimelineCursor | null };
  /** Messages newer than the cursor, oldest first. */
  listMessagesAfter(chatId: number, after: TimelineCursor, limit: number): MessageRow[];

  // Attachments
  /** A message's attachments, in order. */
  listAttachments(messageId: number): AttachmentRow[];
  /** The attachments of many messages at once (a page of the timeline), by message id. */
  attachmentsFor(messageIds: readonly number[]): Map<number, AttachmentRow[]>;
  getAttachment(id: number): AttachmentRow | undefined;
  /** Moves a transfer's state and progress; `error: null` clears an earlier error. */
  updateTransfer(id: number, update: TransferUpdate): AttachmentRow;
  /** An own file reached the network: its reference goes with the message. */
  setUploaded(id: number, remoteRef: string): AttachmentRow;
  /** A received file is verified and in the media cache under its content hash. */
  setDownloaded(id: number, contentHash: string, size: number): AttachmentRow;
  /** Voice: the user played it. */
  setPlayed(id: number): AttachmentRow;
  /**
   * After a restart: uploads that were moving go back to 'pending' (the outbox redoes them), and
   * returns the downloads that were in flight, to resume.
   */
  takeInterruptedTransfers(): AttachmentRow[];
  /** Whether any attachment's bytes are this cached file (own or received). */
  isContentUsed(contentHash: string): boolean;

  // Search
  /** Full-text search (FTS5) across all chats: the `limit` newest hits. */
  search(query: string, limit: number): SearchHit[];
}
