// Full-text search over message bodies (FTS5). The user's text never reaches FTS5 as syntax:
// every word becomes a quoted phrase, so `"`, `*`, `NEAR(`, `AND`, `body:` are just words.
import type { Database } from 'better-sqlite3';
import { MESSAGE_COLUMNS, toMessage, type RawMessage } from './rows';
import type { SearchHit } from './types';

// What the unicode61 tokenizer keeps as part of a token: letters and digits (among others). A chunk
// without any of these would be an empty phrase, so it is dropped.
const HAS_TOKEN = /[\p{L}\p{N}]/u;
const MAX_WORDS = 16;

/**
 * The user's query as a safe FTS5 expression: each whitespace-separated word a quoted phrase
 * (all must match), the last one also as a prefix while the user is still typing it.
 * Returns null when nothing searchable is left.
 */
export function toFtsQuery(text: string): string | null {
  const words = text
    // Control characters (NUL above all) have no business in a query string.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((w) => HAS_TOKEN.test(w))
    .slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  const phrases = words.map((w) => `"${w.replaceAll('"', '""')}"`);
  phrases[phrases.length - 1] += '*';
  return phrases.join(' ');
}

interface RawHit extends RawMessage {
  chat_title: string;
}

export function searchQueries(db: Database) {
  // ORDER BY rowid DESC walks the doclists backwards and stops after `limit` hits; ORDER BY rank
  // or a sort on a joined column would read every hit first (seconds for a common word).
  const hits = db.prepare<[string, number], { id: number }>(
    'SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?',
  );
  const load = db.prepare<[number], RawHit>(
    `SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}, c.title AS chat_title
     FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ? AND m.deleted = 0`,
  );

  return {
    search(query: string, limit: number): SearchHit[] {
      const expr = toFtsQuery(query);
      const n = Math.max(0, Math.floor(limit));
      if (expr === null || n === 0) return [];
      const result: SearchHit[] = [];
      for (const { id } of hits.all(expr, n)) {
        const r = load.get(id);
        if (r) result.push({ message: toMessage(r), chatId: r.chat_id, chatTitle: r.chat_title });
      }
      return result;
    },
  };
}
