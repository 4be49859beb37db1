// Store rows → the views the UI receives. The UI never sees a row, so the store can change shape.

import type { AttachmentKind } from '../../protocols/adapter';
import type { AccountView, AttachmentView, ChatView, ConnectionState, MessageView } from '../api/contract';
import type { AccountRow, AttachmentRow, ChatRow, MessageRow } from '../store/types';
import { networkNames } from './networks';

export function accountView(
  row: AccountRow,
  state: ConnectionState,
  ownAddress: string | null = null,
  attachmentLimits: Partial<Record<AttachmentKind, number>> | null = null,
): AccountView {
  const settings = JSON.parse(row.settingsJson) as { host?: string; port?: number };
  return {
    id: row.id,
    network: row.network,
    networkName: networkNames[row.network],
    address: row.address,
    host: settings.host ?? null,
    port: settings.port ?? null,
    state,
    ownAddress,
    attachmentLimits,
  };
}

export function chatView(row: ChatRow): ChatView {
  return {
    id: row.id,
    accountId: row.accountId,
    network: row.network,
    networkName: networkNames[row.network],
    address: row.address,
    title: row.title,
    kind: row.kind,
    inbox: row.inbox,
    security: row.security,
    pinned: row.pinned,
    muted: row.muted,
    archived: row.archived,
    unreadCount: row.unreadCount,
    lastPreview: row.lastPreview,
    lastSenderMe: row.lastSenderMe,
    lastActivityAt: row.lastActivityAt,
    draft: row.draft,
    requestState: row.requestState,
    verified: row.verified,
    identityChanged: row.identityChanged,
  };
}

export function attachmentView(row: AttachmentRow): AttachmentView {
  return {
    id: row.id,
    messageId: row.messageId,
    kind: row.kind,
    mime: row.mime,
    size: row.size,
    name: row.name,
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    waveform: row.waveform,
    thumbnail: row.thumbnail,
    // Own files are in the cache from the moment they are queued; received ones once downloaded.
    available: row.contentHash !== null,
    transfer: {
      state: row.transferState,
      transferred: row.transferState === 'done' ? row.size : row.transferred,
      total: row.size,
      error: row.error,
    },
    played: row.played,
  };
}

/** `attachments`: the message's rows (empty for text; see MessageViews for how they are looked up). */
export function messageView(row: MessageRow, attachments: readonly AttachmentRow[]): MessageView {
  return {
    id: row.id,
    chatId: row.chatId,
    clientId: row.clientId,
    sender: row.sender,
    senderName: row.senderName,
    fromMe: row.fromMe,
    body: row.deleted ? '' : row.body,
    sentAt: row.sentAt,
    status: row.status,
    error: row.error,
    editedAt: row.editedAt,
    deleted: row.deleted,
    kind: row.kind,
    // A deleted message shows no files either.
    attachments: row.deleted ? [] : attachments.map(attachmentView),
  };
}
