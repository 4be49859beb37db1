// Store rows → the views the UI receives. The UI never sees a row, so the store can change shape.

import type { AccountView, ChatView, ConnectionState, MessageView } from '../api/contract';
import type { AccountRow, ChatRow, MessageRow } from '../store/types';
import { networkNames } from './networks';

export function accountView(row: AccountRow, state: ConnectionState, ownAddress: string | null = null): AccountView {
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

export function messageView(row: MessageRow): MessageView {
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
  };
}
