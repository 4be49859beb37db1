// Small builders for the renderer's unit tests (plain contract values, no fake of the core).
import type { ChatView, MessageView } from '../api';
import type { AttachmentView } from '../../../electron/api/contract';

export function chatView(id: number, patch: Partial<ChatView> = {}): ChatView {
  return {
    id,
    accountId: 'acc-1',
    network: 'xmpp',
    networkName: 'XMPP',
    address: `chat${id}@example.org`,
    title: `Chat ${id}`,
    kind: 'direct',
    inbox: 'native',
    security: { e2ee: false, protocol: null, endsAt: 'server', label: 'Encrypted in transit' },
    pinned: false,
    muted: false,
    archived: false,
    unreadCount: 0,
    lastPreview: null,
    lastSenderMe: false,
    lastActivityAt: id * 1000,
    draft: '',
    requestState: 'accepted',
    verified: false,
    identityChanged: false,
    ...patch,
  };
}

export function messageView(id: number, patch: Partial<MessageView> = {}): MessageView {
  return {
    id,
    chatId: 1,
    clientId: null,
    sender: 'bob@example.org',
    senderName: 'Bob',
    fromMe: false,
    body: `message ${id}`,
    sentAt: id * 1000,
    status: 'received',
    error: null,
    editedAt: null,
    deleted: false,
    kind: 'text',
    attachments: [],
    ...patch,
  };
}

export function attachmentView(id: number, patch: Partial<AttachmentView> = {}): AttachmentView {
  return {
    id,
    messageId: 1,
    kind: 'image',
    mime: 'image/png',
    size: 1000,
    name: `file${id}.png`,
    width: 640,
    height: 480,
    durationMs: null,
    waveform: null,
    thumbnail: null,
    available: false,
    transfer: { state: 'pending', transferred: 0, total: 1000, error: null },
    played: false,
    ...patch,
  };
}
