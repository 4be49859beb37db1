// Full-text search over message bodies (FTS5). The user's text never reaches FTS5 as syntax:
// every word becomes a quoted phrase, so `"`, `*`, `NEAR(`, `AND`, `body:` are just words.
import type { Database } from 'better-sqlite3';
import { MESSAGE_COLUMNS, toMessage, type RawMessage } from './rows';
import { tokenize, type SearchTerms } from './search-terms';
import type { SearchHit } from './types';

const MAX_WORDS = 16;

const phrase = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * The user's query as a safe FTS5 expression: every whitespace-separated word must match as a
 * quoted phrase; the last one — perhaps still being typed — may also match any of the whole terms
 * `expand` gives for its last token. Returns null when nothing searchable is left.
 */
export function toFtsQuery(text: string, expand: (prefix: string) => string[] = () => []): string | null {
  const words = text
    // Control characters (NUL above all) have no business in a query string.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    // A word that tokenizes to nothing would be an empty phrase: drop it.
    .map((w) => ({ w, tokens: tokenize(w) }))
    .filter((x) => x.tokens.length > 0)
    .slice(0, MAX_WORDS);
  const last = words.pop();
  if (!last) return null;
  const parts = words.map((x) => phrase(x.w));

  // The last word as typed, or with its last token completed: "see tomo" → "see tomorrow".
  const head = last.tokens.slice(0, -1);
  const alternatives = new Set([phrase(last.w)]);
  for (const term of expand(last.tokens[last.tokens.length - 1] ?? '')) {
    alternatives.add(phrase([...head, term].join(' ')));
  }
  parts.push(alternatives.size === 1 ? phrase(last.w) : `(${[...alternatives].join(' OR ')})`);
  return parts.join(' AND ');
}

interface RawHit extends RawMessage {
  chat_title: string;
}

export function searchQueries(db: Database, terms: SearchTerms) {
  // ORDER BY rowid DESC walks the doclists backwards and stops after `limit` hits; ORDER BY rank
  // or a sort on a joined column would read every hit first (seconds for a common word).
  const hits = db.prepare<[string, number, number], { id: number }>(
    'SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?',
  );
  // A blocked contact's messages stay out of search as they stay out of the chat list.
  const load = db.prepare<[number], RawHit>(
    `SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}, c.title AS chat_title
     FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ? AND m.deleted = 0 AND c.request_state != 'blocked'`,
  );

  return {
    search(query: string, limit: number): SearchHit[] {
      const expr = toFtsQuery(query, terms.expand);
      const n = Math.max(0, Math.floor(limit));
      if (expr === null || n === 0) return [];
      const result: SearchHit[] = [];
      // Usually one round; more only when hits were left out (blocked chats), walking on below
      // the last hit seen so each round reads the next hits, never the same ones again.
      let below = Number.MAX_SAFE_INTEGER;
      while (result.length < n) {
        const page = hits.all(expr, below, n);
        for (const { id } of page) {
          const r = load.get(id);
          if (r && result.length < n) result.push({ message: toMessage(r), chatId: r.chat_id, chatTitle: r.chat_title });
        }
        if (page.length < n) break;
        below = page[page.length - 1]!.id;
      }
      return result;
    },
  };
}
