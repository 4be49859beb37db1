// Version 4: the store, not a trigger, adds new messages to the full-text index.
//
// An AFTER INSERT trigger made every insert about twice as slow as the same FTS5 insert issued
// as its own statement (a burst at 1M messages: ~12k msg/s with the trigger, ~22k without;
// see bench/store.bench.ts). So the statements that insert messages index them themselves
// (store/text-index.ts), in the same transaction. Edits and deletes are rare and keep their
// triggers from version 2.
import type { Database } from 'better-sqlite3';

export const version = 4;
export const name = 'text-index-by-store';

export function up(db: Database): void {
  db.exec('DROP TRIGGER messages_fts_insert;');
}
