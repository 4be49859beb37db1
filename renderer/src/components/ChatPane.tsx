import { useState, type KeyboardEvent } from 'react';
import type { ChatView } from '../api';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { IdentityChangedBanner, RequestBanner } from './RequestBanner';
import { SafetyNumberPanel } from './SafetyNumberPanel';
import { Timeline } from './Timeline';
import { TypingIndicator } from './TypingIndicator';

/** Escape closes the chat, except while typing a message (where it would lose the place). */
function closeOnEscape(e: KeyboardEvent) {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
  actions.closeChat();
}

export function ChatPane() {
  const chat = useApp((s) => (s.openChatId === null ? undefined : s.chats[s.openChatId]));
  const hasAccounts = useApp((s) => Object.keys(s.accounts).length > 0);

  if (!chat) {
    return (
      <main className="chat-pane empty">
        <div className="empty-pane">
          <h2>Switchboard</h2>
          <p>
            {hasAccounts
              ? 'Pick a chat on the left, or start a new one.'
              : 'Add an account to start: your chats from every network show up here, in one window.'}
          </p>
        </div>
      </main>
    );
  }

  return <OpenChat key={chat.id} chat={chat} />;
}

/** Keyed by chat, so the safety-number screen closes when another chat opens. */
function OpenChat({ chat }: { chat: ChatView }) {
  const timeline = useApp((s) => s.timeline);
  const [safetyNumber, setSafetyNumber] = useState(false);
  return (
    <main className="chat-pane" aria-label={chat.title} onKeyDown={closeOnEscape}>
      <ChatHeader
        chat={chat}
        safetyNumberOpen={safetyNumber}
        {...(chat.security.e2ee ? { onToggleSafetyNumber: () => setSafetyNumber(!safetyNumber) } : {})}
      />
      {safetyNumber && <SafetyNumberPanel chat={chat} onClose={() => setSafetyNumber(false)} />}
      {chat.identityChanged && <IdentityChangedBanner chat={chat} onShowNumber={() => setSafetyNumber(true)} />}
      {timeline && timeline.chatId === chat.id ? (
        <Timeline key={timeline.generation} window={timeline} />
      ) : (
        <div className="timeline-wrap">
          <p className="timeline-placeholder">Loading messages…</p>
        </div>
      )}
      <TypingIndicator chat={chat} />
      {/* No key on Composer: OpenChat is keyed by chat already, and a key here could equal the
          Timeline's generation key among the same siblings, which duplicated the timeline. */}
      {chat.requestState === 'pending' ? <RequestBanner chat={chat} /> : <Composer chat={chat} />}
    </main>
  );
}
