// Version 2: what the interop channel needs from the store.
//
// - settings: a small key-value table for app-wide choices (interoperability on or off).
// - chats.request_state: a first message from someone new on an interop account is a request
//   ('pending') the user accepts or blocks; every existing chat was already accepted.
// - chats.verified / chats.identity_changed: the user compared the safety number; a contact's
//   identity key changed and the user has not acknowledged it yet.
// - messages.kind: notices (a safety number changed) and placeholders for messages that could not
//   be decrypted sit in the timeline beside text. They are not text anyone wrote, so they stay
//   out of the full-text index, the chat's preview and the unread count.
import type { Database } from 'better-sqlite3';

export const version = 2;
export const name = 'interop';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    ALTER TABLE chats ADD COLUMN request_state TEXT NOT NULL DEFAULT 'accepted'
      CHECK (request_state IN ('accepted', 'pending', 'blocked'));
    ALTER TABLE chats ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN identity_changed INTEGER NOT NULL DEFAULT 0;

    ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
      CHECK (kind IN ('text', 'notice', 'undecryptable'));

    -- The FTS triggers of version 1, now for text only. A notice is never edited or deleted, so a
    -- row's kind never changes and the index stays in step.
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;

    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.deleted = 0 AND new.kind = 'text' BEGIN
      INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
    END;

    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.deleted = 0 AND old.kind = 'text' BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;

    CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, deleted ON messages
    WHEN new.kind = 'text' AND (old.body IS NOT new.body OR old.deleted IS NOT new.deleted) BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body)
        SELECT 'delete', old.id, old.body WHERE old.deleted = 0;
      INSERT INTO messages_fts (rowid, body)
        SELECT new.id, new.body WHERE new.deleted = 0;
    END;
  `);
}
