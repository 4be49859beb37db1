// The chat list: the Interop inbox on top, then native chats, then the archived group.
import { type KeyboardEvent, useMemo, useState } from 'react';
import type { ChatView } from '../api';
import { groupChats, unreadTotal } from '../state/chatLists';
import { useApp } from '../state/store';
import { useNow } from '../useNow';
import { ChatRow } from './ChatRow';

function Rows({ chats, openChatId, now }: { chats: ChatView[]; openChatId: number | null; now: number }) {
  return (
    <ul className="chat-rows">
      {chats.map((c) => (
        <ChatRow key={c.id} chat={c} active={c.id === openChatId} now={now} />
      ))}
    </ul>
  );
}

function InteropInbox({ chats, openChatId, now }: { chats: ChatView[]; openChatId: number | null; now: number }) {
  const [expanded, setExpanded] = useState(true);
  const enabled = useApp((s) => s.settings?.interopEnabled ?? false);
  const unread = unreadTotal(chats);
  return (
    <section className="interop-inbox" aria-label="Interop inbox">
      <div className="group-header">
        <h2 className="group-title">
          <button
            type="button"
            className="group-toggle"
            aria-expanded={expanded}
            aria-controls="interop-inbox-body"
            onClick={() => setExpanded(!expanded)}
          >
            <span className="chevron" aria-hidden="true">
              {expanded ? '▾' : '▸'}
            </span>
            Interop inbox
          </button>
        </h2>
        {unread > 0 && (
          <span className="unread-badge" title={`${unread} unread in the Interop inbox`}>
            {unread}
          </span>
        )}
      </div>
      <p className="interop-label">Chats from other networks through interoperability. Privacy and features differ.</p>
      <div id="interop-inbox-body" hidden={!expanded}>
        {chats.length === 0 ? (
          <p className="empty-note">
            {enabled
              ? 'Interoperability is on. Chats with people on other messengers (e.g. WhatsApp, Messenger) will appear here; someone new who writes first shows up as a request.'
              : 'Chats with people on other messengers (e.g. WhatsApp, Messenger) will appear here once interoperability is turned on in Settings. It is off until you turn it on.'}
          </p>
        ) : (
          <Rows chats={chats} openChatId={openChatId} now={now} />
        )}
      </div>
    </section>
  );
}

function Archived({ chats, openChatId, now }: { chats: ChatView[]; openChatId: number | null; now: number }) {
  const [expanded, setExpanded] = useState(false);
  if (chats.length === 0) return null;
  return (
    <section className="archived" aria-label="Archived">
      <div className="group-header">
        {/* The toggle's name must not contain "archive": the chat header's "Archive" button would
            then match it too in a substring lookup. */}
        <h2 className="group-title">Archived</h2>
        <button
          type="button"
          className="group-toggle small"
          aria-expanded={expanded}
          aria-controls="archived-body"
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Hide' : `Show ${chats.length}`}
        </button>
      </div>
      <div id="archived-body" hidden={!expanded}>
        {expanded && <Rows chats={chats} openChatId={openChatId} now={now} />}
      </div>
    </section>
  );
}

/** Up and down arrows move between chat rows, so the list works like one control. */
function moveFocus(e: KeyboardEvent<HTMLDivElement>) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLButtonElement>('button.chat-row'));
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  if (at === -1) return;
  e.preventDefault();
  rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
}

export function ChatList() {
  const chats = useApp((s) => s.chats);
  const openChatId = useApp((s) => s.openChatId);
  const ready = useApp((s) => s.ready);
  const now = useNow(60_000);
  const groups = useMemo(() => groupChats(chats), [chats]);
  return (
    <div className="chat-list" onKeyDown={moveFocus}>
      <InteropInbox chats={groups.interop} openChatId={openChatId} now={now} />
      <section className="native-chats" aria-label="Chats">
        <h2 className="group-title plain">Chats</h2>
        {groups.native.length === 0 ? (
          <p className="empty-note">{ready ? 'No chats yet. Start one with “New chat”.' : 'Loading…'}</p>
        ) : (
          <Rows chats={groups.native} openChatId={openChatId} now={now} />
        )}
      </section>
      <Archived chats={groups.archived} openChatId={openChatId} now={now} />
    </div>
  );
}
