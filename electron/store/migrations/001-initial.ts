// Version 1: accounts, their adapter state, chats, messages and the full-text index.
//
// Why the shape is what it is:
// - The chat row carries its own summary (last message, preview, unread count, read marker), kept
//   by the store on every write, so the chat list never aggregates over messages (a GROUP BY over
//   1M messages took 48 ms; reading 200 chat rows takes well under 1 ms).
// - messages.id is INTEGER PRIMARY KEY: arrival order, and the FTS rowid.
// - The two network/client id uniques are partial: most rows have only one of them, so the
//   indexes stay half as big and a lookup by `x = ?` still uses them.
// - The timeline index (chat_id, sent_at, id) serves keyset paging in both directions and the
//   ON DELETE CASCADE from chats.
import type { Database } from 'better-sqlite3';

export const version = 1;
export const name = 'initial';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE accounts (
      id            TEXT PRIMARY KEY,
      network       TEXT NOT NULL,
      address       TEXT NOT NULL,
      settings_json TEXT NOT NULL,
      created_at    INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE adapter_state (
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      key        TEXT NOT NULL,
      value      TEXT NOT NULL,
      PRIMARY KEY (account_id, key)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE chats (
      id               INTEGER PRIMARY KEY,
      account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      network          TEXT NOT NULL,
      address          TEXT NOT NULL,
      title            TEXT NOT NULL,
      kind             TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
      inbox            TEXT NOT NULL CHECK (inbox IN ('native', 'interop')),
      security_json    TEXT NOT NULL,
      pinned           INTEGER NOT NULL DEFAULT 0,
      muted            INTEGER NOT NULL DEFAULT 0,
      archived         INTEGER NOT NULL DEFAULT 0,
      draft            TEXT NOT NULL DEFAULT '',
      created_at       INTEGER NOT NULL,
      -- The summary of the newest message by (sent_at, id); maintained by the store.
      last_message_id  INTEGER,
      last_sent_at     INTEGER,
      last_preview     TEXT,
      last_sender_me   INTEGER NOT NULL DEFAULT 0,
      last_deleted     INTEGER NOT NULL DEFAULT 0,
      last_activity_at INTEGER NOT NULL,
      -- Unread = others' messages after the read marker (sent_at, id); NULL marker = nothing read.
      unread_count     INTEGER NOT NULL DEFAULT 0,
      read_sent_at     INTEGER,
      read_id          INTEGER,
      UNIQUE (account_id, address)
    ) STRICT;

    -- The chat list: pinned first, then newest activity. Archived chats are few, so the list of
    -- non-archived chats filters while walking this index instead of needing a second one.
    CREATE INDEX chats_list ON chats (pinned DESC, last_activity_at DESC, id DESC);

    CREATE TABLE messages (
      id          INTEGER PRIMARY KEY,
      chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      account_id  TEXT NOT NULL,
      network_id  TEXT,
      client_id   TEXT,
      sender      TEXT NOT NULL,
      sender_name TEXT,
      from_me     INTEGER NOT NULL,
      body        TEXT NOT NULL,
      sent_at     INTEGER NOT NULL,
      status      TEXT NOT NULL
                  CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'received')),
      error       TEXT,
      edited_at   INTEGER,
      deleted     INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE UNIQUE INDEX messages_network_id ON messages (account_id, network_id)
      WHERE network_id IS NOT NULL;
    CREATE UNIQUE INDEX messages_client_id ON messages (account_id, client_id)
      WHERE client_id IS NOT NULL;
    CREATE INDEX messages_timeline ON messages (chat_id, sent_at, id);
    -- The outbox: small, because a row leaves it as soon as it is sent.
    CREATE INDEX messages_queued ON messages (account_id, id) WHERE status = 'queued';
    -- Own messages not yet read by the other side: a read receipt raises the older ones in a chat
    -- through this (small) index instead of walking the chat's whole timeline.
    CREATE INDEX messages_own_unread ON messages (chat_id, sent_at, id)
      WHERE from_me = 1 AND status IN ('sent', 'delivered');

    -- Every distinct search term ever indexed, so the word the user is still typing ("tomo") can
    -- be expanded to a few whole terms ("tomorrow", "tomography") that FTS5 reads lazily, newest
    -- first. FTS5's own prefix query ("tomo"*) first merges every posting of every matching term:
    -- 40 ms for a word in half of a million messages. Filled by the store (search-terms.ts);
    -- pruned only when an account is removed (a stale term otherwise costs just an empty phrase).
    CREATE TABLE search_terms (term TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    -- FTS5's own list of terms (it counts postings, so it is slow: only for rare clean-ups).
    CREATE VIRTUAL TABLE messages_fts_terms USING fts5vocab(messages_fts, 'row');

    -- External-content FTS5 over messages.body: the text is stored once (in messages), the index
    -- is kept in step by the triggers below. Deleted messages are never indexed.
    CREATE VIRTUAL TABLE messages_fts USING fts5(
      body,
      content = 'messages',
      content_rowid = 'id',
      tokenize = 'unicode61 remove_diacritics 2'
    );

    -- Merge FTS5 segments when 16 (not 4) of a level have piled up: a burst writes one segment
    -- per transaction, and merging them less eagerly raised the insert rate ~13% at 1M messages.
    -- Searches read a few more segments; they stay under 1 ms (bench/store.bench.ts).
    INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);

    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
      INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
    END;

    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.deleted = 0 BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;

    -- Only body/deleted changes touch the index; a status change (receipts) does not fire this.
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, deleted ON messages
    WHEN old.body IS NOT new.body OR old.deleted IS NOT new.deleted BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body)
        SELECT 'delete', old.id, old.body WHERE old.deleted = 0;
      INSERT INTO messages_fts (rowid, body)
        SELECT new.id, new.body WHERE new.deleted = 0;
    END;
  `);
}
