import { memo } from 'react';
import type { ChatView } from '../api';
import { shortWhen } from '../format';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { Avatar } from './Avatar';
import { LockIcon, MutedIcon, PinIcon } from './Icons';

/** The domain of the account's server (the gatekeeper's), from its address: "gatekeeper.example". */
function serverOf(account: { address: string } | undefined): string | null {
  const at = account?.address.lastIndexOf('@') ?? -1;
  return account && at >= 0 ? account.address.slice(at + 1) : null;
}

interface Props {
  chat: ChatView;
  active: boolean;
  now: number;
}

export const ChatRow = memo(function ChatRow({ chat, active, now }: Props) {
  const server = useApp((s) => (chat.inbox === 'interop' ? serverOf(s.accounts[chat.accountId]) : null));
  // Interop chats say which network and whose server they cross: "Interop · gatekeeper.example".
  const networkLabel = server ? `${chat.networkName} · ${server}` : chat.networkName;
  const request = chat.requestState === 'pending';
  const preview = chat.draft.trim() !== '' ? `Draft: ${chat.draft}` : chat.lastPreview !== null ? (chat.lastSenderMe ? `You: ${chat.lastPreview}` : chat.lastPreview) : '';
  return (
    <li>
      <button
        type="button"
        className={`chat-row${active ? ' active' : ''}${chat.unreadCount > 0 ? ' unread' : ''}`}
        aria-label={chat.title}
        aria-current={active ? 'true' : undefined}
        onClick={() => void actions.openChat(chat.id)}
      >
        <Avatar title={chat.title} seed={chat.address} />
        <span className="chat-row-main">
          <span className="chat-row-top">
            <span className="chat-title">{chat.title}</span>
            {chat.pinned && <PinIcon label="Pinned" />}
            {chat.muted && <MutedIcon label="Muted" />}
            <span className="chat-time">{chat.lastActivityAt > 0 ? shortWhen(chat.lastActivityAt, now) : ''}</span>
          </span>
          <span className="chat-row-bottom">
            <span className="badge network">{networkLabel}</span>
            {chat.security.e2ee && <LockIcon label={chat.security.label} />}
            {request && <span className="badge request">Request</span>}
            <span className="chat-preview">{preview}</span>
            {chat.unreadCount > 0 && (
              <span className={`unread-badge${chat.muted ? ' quiet' : ''}`} data-testid="unread-badge" title={`${chat.unreadCount} unread`}>
                {chat.unreadCount > 999 ? '999+' : chat.unreadCount}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});
