// Raw SQLite rows and their mapping to the typed rows of types.ts. Column lists live here so
// every query selects the same shape.
import type { NetworkId, SecuritySummary } from '../../protocols/adapter';
import type { AttachmentKind } from '../../protocols/adapter';
import type { AccountRow, AttachmentRow, ChatRow, MessageKind, MessageRow, MessageStatus, RequestState, TransferState } from './types';

export const MESSAGE_COLUMNS =
  'id, chat_id, account_id, network_id, client_id, sender, sender_name, from_me, body, sent_at, status, error, edited_at, deleted, kind, ' +
  'attachment_count';

export const ATTACHMENT_COLUMNS =
  'id, message_id, ordinal, kind, mime, size, name, width, height, duration_ms, waveform, thumbnail, remote_ref, ' +
  'content_hash, transfer_state, transferred, error, played';

export const CHAT_COLUMNS =
  'id, account_id, network, address, title, kind, inbox, security_json, pinned, muted, archived, draft, ' +
  'last_message_id, last_preview, last_sender_me, last_deleted, last_activity_at, unread_count, ' +
  'request_state, verified, identity_changed';

export interface RawMessage {
  id: number;
  chat_id: number;
  account_id: string;
  network_id: string | null;
  client_id: string | null;
  sender: string;
  sender_name: string | null;
  from_me: number;
  body: string;
  sent_at: number;
  status: MessageStatus;
  error: string | null;
  edited_at: number | null;
  deleted: number;
  kind: MessageKind;
  attachment_count: number;
}

export interface RawAttachment {
  id: number;
  message_id: number;
  ordinal: number;
  kind: AttachmentKind;
  mime: string;
  size: number;
  name: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  /** JSON array of numbers. */
  waveform: string | null;
  thumbnail: string | null;
  remote_ref: string | null;
  content_hash: string | null;
  transfer_state: TransferState;
  transferred: number;
  error: string | null;
  played: number;
}

export interface RawChat {
  id: number;
  account_id: string;
  network: NetworkId;
  address: string;
  title: string;
  kind: 'direct' | 'group';
  inbox: 'native' | 'interop';
  security_json: string;
  pinned: number;
  muted: number;
  archived: number;
  draft: string;
  last_message_id: number | null;
  last_preview: string | null;
  last_sender_me: number;
  last_deleted: number;
  last_activity_at: number;
  unread_count: number;
  request_state: RequestState;
  verified: number;
  identity_changed: number;
}

export interface RawAccount {
  id: string;
  network: NetworkId;
  address: string;
  settings_json: string;
  created_at: number;
}

export function toMessage(r: RawMessage): MessageRow {
  return {
    id: r.id,
    chatId: r.chat_id,
    accountId: r.account_id,
    networkId: r.network_id,
    clientId: r.client_id,
    sender: r.sender,
    senderName: r.sender_name,
    fromMe: r.from_me === 1,
    body: r.body,
    sentAt: r.sent_at,
    status: r.status,
    error: r.error,
    editedAt: r.edited_at,
    deleted: r.deleted === 1,
    kind: r.kind,
    attachmentCount: r.attachment_count,
  };
}

function parseWaveform(json: string | null): number[] | null {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === 'number') : null;
  } catch {
    return null;
  }
}

export function toAttachment(r: RawAttachment): AttachmentRow {
  return {
    id: r.id,
    messageId: r.message_id,
    ordinal: r.ordinal,
    kind: r.kind,
    mime: r.mime,
    size: r.size,
    name: r.name,
    width: r.width,
    height: r.height,
    durationMs: r.duration_ms,
    waveform: parseWaveform(r.waveform),
    thumbnail: r.thumbnail,
    remoteRef: r.remote_ref,
    contentHash: r.content_hash,
    transferState: r.transfer_state,
    transferred: r.transferred,
    error: r.error,
    played: r.played === 1,
  };
}

// A store holds a handful of distinct security summaries (one per network and mode), so parsing
// each once keeps JSON.parse off the chat list's hot path. Frozen, because rows share them.
const securityCache = new Map<string, SecuritySummary>();

function parseSecurity(json: string): SecuritySummary {
  let parsed = securityCache.get(json);
  if (!parsed) {
    parsed = Object.freeze(JSON.parse(json) as SecuritySummary);
    if (securityCache.size > 1000) securityCache.clear();
    securityCache.set(json, parsed);
  }
  return parsed;
}

export function toChat(r: RawChat): ChatRow {
  return {
    id: r.id,
    accountId: r.account_id,
    network: r.network,
    address: r.address,
    title: r.title,
    kind: r.kind,
    inbox: r.inbox,
    security: parseSecurity(r.security_json),
    pinned: r.pinned === 1,
    muted: r.muted === 1,
    archived: r.archived === 1,
    unreadCount: r.unread_count,
    lastMessageId: r.last_message_id,
    lastPreview: r.last_preview,
    lastSenderMe: r.last_sender_me === 1,
    lastDeleted: r.last_deleted === 1,
    lastActivityAt: r.last_activity_at,
    draft: r.draft,
    requestState: r.request_state,
    verified: r.verified === 1,
    identityChanged: r.identity_changed === 1,
  };
}

export function toAccount(r: RawAccount): AccountRow {
  return {
    id: r.id,
    network: r.network,
    address: r.address,
    settingsJson: r.settings_json,
    createdAt: r.created_at,
  };
}

const PREVIEW_CHARS = 160;

/** One line of the message for the chat list; cut on a code point, never inside a pair. */
export function previewOf(body: string): string {
  const line = body.length > PREVIEW_CHARS * 2 ? body.slice(0, PREVIEW_CHARS * 2) : body;
  const flat = line.replace(/\s+/g, ' ').trim();
  if (flat.length <= PREVIEW_CHARS) return flat;
  return Array.from(flat).slice(0, PREVIEW_CHARS).join('');
}
