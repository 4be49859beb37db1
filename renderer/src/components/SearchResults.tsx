import { formatDate, formatTime } from '../format';
import { actions } from '../state/app';
import { useApp } from '../state/store';

/** A window of the body around the first match, so the hit is visible in one line. */
function snippet(body: string, query: string): string {
  const flat = body.replace(/\s+/g, ' ');
  const word = query.trim().split(/\s+/)[0] ?? '';
  const at = word === '' ? -1 : flat.toLowerCase().indexOf(word.toLowerCase());
  if (at <= 30) return flat.slice(0, 140);
  return `…${flat.slice(at - 30, at + 110)}`;
}

export function SearchResults() {
  const { query, results, loading } = useApp((s) => s.search);
  return (
    <div className="search-results">
      {results.length === 0 && <p className="empty-note">{loading ? 'Searching…' : `No messages match “${query}”.`}</p>}
      <ul role="list" aria-label="Search results" className="result-list">
        {results.map((r) => (
          <li key={r.messageId}>
            <button type="button" className="result" onClick={() => void actions.openChatAt(r.chatId, r.messageId)}>
              <span className="result-top">
                <span className="result-chat">{r.chatTitle}</span>
                <span className="result-date">
                  {formatDate(r.sentAt)} {formatTime(r.sentAt)}
                </span>
              </span>
              <span className="result-sender">{r.fromMe ? 'You' : r.sender}</span>
              <span className="result-snippet">{snippet(r.body, query)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
