import type { ChatView } from '../api';
import { actions } from '../state/app';
import { Avatar } from './Avatar';
import { LockIcon } from './Icons';

interface Props {
  chat: ChatView;
  /** Set for end-to-end encrypted chats: opens or closes the safety-number screen. */
  onToggleSafetyNumber?: () => void;
  safetyNumberOpen?: boolean;
}

export function ChatHeader({ chat, onToggleSafetyNumber, safetyNumberOpen = false }: Props) {
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
          {chat.inbox === 'interop' && security.e2ee && (
            <span className={`trust ${chat.verified ? 'verified' : 'unverified'}`} data-testid="verification">
              {chat.verified ? 'Verified' : 'Unverified'}
            </span>
          )}
        </div>
      </div>
      <div className="chat-header-actions">
        {security.e2ee && onToggleSafetyNumber && (
          <button type="button" className="button subtle" aria-expanded={safetyNumberOpen} onClick={onToggleSafetyNumber}>
            Safety number
          </button>
        )}
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
