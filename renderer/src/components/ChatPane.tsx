import type { KeyboardEvent } from 'react';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
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
  const timeline = useApp((s) => s.timeline);
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

  return (
    <main className="chat-pane" aria-label={chat.title} onKeyDown={closeOnEscape}>
      <ChatHeader chat={chat} />
      {timeline && timeline.chatId === chat.id ? (
        <Timeline key={timeline.generation} window={timeline} />
      ) : (
        <div className="timeline-wrap">
          <p className="timeline-placeholder">Loading messages…</p>
        </div>
      )}
      <TypingIndicator chat={chat} />
      <Composer key={chat.id} chat={chat} />
    </main>
  );
}
