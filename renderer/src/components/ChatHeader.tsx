import type { ChatView } from '../api';
import { actions } from '../state/app';
import { Avatar } from './Avatar';
import { LockIcon } from './Icons';

export function ChatHeader({ chat }: { chat: ChatView }) {
  const security = chat.security;
  return (
    <header className="chat-header">
      <Avatar title={chat.title} seed={chat.address} size="lg" />
      <div className="chat-header-text">
        <h2 className="chat-header-title">{chat.title}</h2>
        <div className="chat-header-meta">
          <span className="badge network">{chat.networkName}</span>
          {chat.inbox === 'interop' && <span className="badge interop">Interop</span>}
          {security.e2ee && <LockIcon label="End-to-end encrypted" />}
          <span
            className={`security-line${security.e2ee ? ' e2ee' : ''}`}
            data-testid="security-line"
            title={security.protocol ?? undefined}
          >
            {security.label}
          </span>
        </div>
      </div>
      <div className="chat-header-actions">
        <button
          type="button"
          className="button subtle"
          onClick={() => void actions.setChatFlags(chat.id, { pinned: !chat.pinned })}
        >
          {chat.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button
          type="button"
          className="button subtle"
          onClick={() => void actions.setChatFlags(chat.id, { muted: !chat.muted })}
        >
          {chat.muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          className="button subtle"
          onClick={() => void actions.setChatFlags(chat.id, { archived: !chat.archived })}
        >
          {chat.archived ? 'Unarchive' : 'Archive'}
        </button>
      </div>
    </header>
  );
}
