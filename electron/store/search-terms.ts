// The search vocabulary (table search_terms): which whole terms exist, so the last word of a
// query can be matched as a prefix by expanding it to those terms instead of using FTS5's slow
// prefix query. See migrations/001-initial.ts for the numbers.
import type { Database } from 'better-sqlite3';

// A close copy of FTS5's tokenizer `unicode61 remove_diacritics 2` as SQLite 3.53 runs it
// (checked against fts5vocab): letters, digits, marks and private-use characters make tokens, and
// so does anything outside the BMP (emoji); other symbols and punctuation separate. Case is
// folded, and diacritics only on Latin letters ("café" → "cafe", but Greek "έ" stays). Where the
// two still disagree (rare scripts), the typed word is searched as a whole term all the same;
// only its expansion can miss a term.
const TOKEN = /(?:[\p{L}\p{N}\p{M}\p{Co}]|[^\u0000-\uFFFF])+/gu;
const LATIN_DIACRITICS = /(\p{Script=Latin})\p{M}+/gu;

export function tokenize(text: string): string[] {
  const folded = text.normalize('NFD').replace(LATIN_DIACRITICS, '$1').normalize('NFC').toLowerCase();
  return folded.match(TOKEN) ?? [];
}

/** Shortest typed token that is expanded; one letter would match half the vocabulary. */
export const MIN_PREFIX = 2;
/** Most terms one prefix expands to (shortest first: closest to what was typed). */
export const MAX_EXPANSION = 24;
const RECENT_LIMIT = 50_000;

export function searchTerms(db: Database) {
  const add = db.prepare<[string]>('INSERT OR IGNORE INTO search_terms (term) VALUES (?)');
  // The inner LIMIT bounds the work for a short, busy prefix before the sort by length.
  const startingWith = db.prepare<[string, string, number], { term: string }>(
    `SELECT term FROM (SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 5000)
     ORDER BY length(term), term LIMIT ?`,
  );
  // Terms written recently: common words repeat in almost every message, so most tokens skip
  // the database entirely. Cleared when full rather than tracked as an LRU: a miss is one
  // INSERT OR IGNORE, not a correctness problem.
  const recent = new Set<string>();

  return {
    /** Records the terms of a message body; call inside the transaction that writes it. */
    note(body: string): void {
      for (const term of tokenize(body)) {
        if (recent.has(term)) continue;
        add.run(term);
        if (recent.size >= RECENT_LIMIT) recent.clear();
        recent.add(term);
      }
    },
    /** Whole terms that start with `prefix` (a token from tokenize), shortest first. */
    expand(prefix: string): string[] {
      if (prefix.length < MIN_PREFIX) return [];
      // U+10FFFF sorts after every character a term can continue with.
      return startingWith.all(prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION).map((r) => r.term);
    },
  };
}

export type SearchTerms = ReturnType<typeof searchTerms>;
