// Version 3: media — images, voice messages, videos and files (issue #4).
//
// - attachments: one row per file of a message, in order (today a message has 0 or 1; the table
//   allows more so the model need not change when a network sends several in one message). What
//   the sender said about the file (kind, mime, size, name, dimensions, duration, waveform,
//   thumbnail) is kept as received, clamped; `remote_ref` is the adapter's opaque reference to
//   fetch it from; `content_hash` is the SHA-256 of the plaintext once the bytes are in the
//   profile's media cache (own files: from staging; received ones: after the download).
// - transfer_state / transferred / error: where the bytes are, for the progressbar and for a
//   restart (an interrupted upload is redone by the outbox, an interrupted download resumed).
// - messages.attachment_count: a page of text never looks at the attachments table — only rows
//   with a count above 0 do (one indexed lookup for the whole page).
import type { Database } from 'better-sqlite3';

export const version = 3;
export const name = 'media';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE attachments (
      id             INTEGER PRIMARY KEY,
      message_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      ordinal        INTEGER NOT NULL,
      kind           TEXT NOT NULL CHECK (kind IN ('image', 'voice', 'video', 'file')),
      mime           TEXT NOT NULL,
      size           INTEGER NOT NULL CHECK (size >= 0),
      name           TEXT NOT NULL,
      width          INTEGER,
      height         INTEGER,
      duration_ms    INTEGER,
      waveform       TEXT,
      thumbnail      TEXT,
      remote_ref     TEXT,
      content_hash   TEXT,
      transfer_state TEXT NOT NULL DEFAULT 'pending'
                     CHECK (transfer_state IN ('pending', 'uploading', 'downloading', 'done', 'failed', 'cancelled')),
      transferred    INTEGER NOT NULL DEFAULT 0,
      error          TEXT,
      played         INTEGER NOT NULL DEFAULT 0,
      UNIQUE (message_id, ordinal)
    ) STRICT;

    -- Transfers a restart has to pick up again: few rows at any time, so a small partial index.
    CREATE INDEX attachments_moving ON attachments (transfer_state)
      WHERE transfer_state IN ('uploading', 'downloading');
    -- Which attachments still use a cached file (the cache's clean-up of unused staged files).
    CREATE INDEX attachments_content ON attachments (content_hash) WHERE content_hash IS NOT NULL;

    ALTER TABLE messages ADD COLUMN attachment_count INTEGER NOT NULL DEFAULT 0;
  `);
}
