// Adds a new message to the full-text index and its terms to the search vocabulary. Every store
// statement that inserts a message calls this in the same transaction (migration 004 explains
// why there is no trigger); edits and deletes are kept in step by triggers.
import type { Database } from 'better-sqlite3';
import type { SearchTerms } from './search-terms';

export function textIndex(db: Database, terms: SearchTerms) {
  const add = db.prepare<[number, string]>('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
  return {
    /** Only text someone wrote is searchable: never notices, placeholders or deleted messages. */
    added(row: { id: number; body: string; kind: string; deleted: number }): void {
      if (row.kind !== 'text' || row.deleted !== 0) return;
      add.run(row.id, row.body);
      terms.note(row.body);
    },
  };
}

export type TextIndex = ReturnType<typeof textIndex>;
