// Keeps each chat row's summary (last message, preview, activity, unread count, read marker) in
// step with its messages, so the chat list reads chat rows only and never aggregates messages.
//
// Two rules hold whatever order messages arrive in:
// - The last message only moves forward in (sent_at, id): an old message from history catch-up
//   never replaces a newer one.
// - Unread counts others' messages after the read marker (plus live ones, which are new to the
//   user even when their timestamp is old); history from before the marker is already read.
import type { Database } from 'better-sqlite3';
import { MESSAGE_COLUMNS, previewOf, type RawMessage } from './rows';

interface SummaryState {
  account_id: string;
  last_message_id: number | null;
  last_sent_at: number | null;
  unread_count: number;
  read_sent_at: number | null;
  read_id: number | null;
}

interface TimelinePoint {
  sent_at: number;
  id: number;
}

/** a is after b in timeline order (sent_at, id). */
function isAfter(a: TimelinePoint, sentAt: number | null, id: number | null): boolean {
  if (sentAt === null || id === null) return true;
  return a.sent_at > sentAt || (a.sent_at === sentAt && a.id > id);
}

export function chatSummary(db: Database) {
  const readState = db.prepare<[number], SummaryState>(
    'SELECT account_id, last_message_id, last_sent_at, unread_count, read_sent_at, read_id FROM chats WHERE id = ?',
  );
  const writeLast = db.prepare<[number | null, number | null, string | null, number, number, number, number]>(
    'UPDATE chats SET last_message_id = ?, last_sent_at = ?, last_preview = ?, last_sender_me = ?, ' +
      'last_deleted = ?, last_activity_at = ? WHERE id = ?',
  );
  const writeUnread = db.prepare<[number, number | null, number | null, number]>(
    'UPDATE chats SET unread_count = ?, read_sent_at = ?, read_id = ? WHERE id = ?',
  );
  const afterInsert = db.prepare<
    [
      {
        chatId: number;
        advance: number;
        id: number;
        sentAt: number;
        preview: string | null;
        fromMe: number;
        unread: number;
        readSentAt: number | null;
        readId: number | null;
      },
    ]
  >(
    `UPDATE chats SET
       last_message_id  = iif(:advance, :id, last_message_id),
       last_sent_at     = iif(:advance, :sentAt, last_sent_at),
       last_preview     = iif(:advance, :preview, last_preview),
       last_sender_me   = iif(:advance, :fromMe, last_sender_me),
       last_deleted     = iif(:advance, 0, last_deleted),
       last_activity_at = iif(:advance, :sentAt, last_activity_at),
       unread_count = :unread, read_sent_at = :readSentAt, read_id = :readId
     WHERE id = :chatId`,
  );
  const newest = db.prepare<[number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1`,
  );
  const newestIncoming = db.prepare<[number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? AND from_me = 0 ORDER BY sent_at DESC, id DESC LIMIT 1`,
  );
  const countUnreadAfter = db.prepare<[number, number, number], { n: number }>(
    'SELECT count(*) AS n FROM messages WHERE chat_id = ? AND (sent_at, id) > (?, ?) AND from_me = 0 AND deleted = 0',
  );
  const creationTime = db.prepare<[number], { created_at: number }>('SELECT created_at FROM chats WHERE id = ?');

  function state(chatId: number): SummaryState {
    const s = readState.get(chatId);
    if (!s) throw new Error(`Chat ${chatId} does not exist (was its account removed?).`);
    return s;
  }

  function setLast(chatId: number, m: RawMessage): void {
    writeLast.run(m.id, m.sent_at, m.deleted ? '' : previewOf(m.body), m.from_me, m.deleted, m.sent_at, chatId);
  }

  return {
    /** The account a chat belongs to; throws for a chat that does not exist. */
    accountOf(chatId: number): string {
      return state(chatId).account_id;
    },

    /**
     * After inserting `m` into its chat. `ownReadsChat`: an own message sent from another device
     * means the user has read the chat up to it.
     */
    noteInserted(m: RawMessage, live: boolean, ownReadsChat: boolean): void {
      const s = state(m.chat_id);
      if (s.account_id !== m.account_id) {
        // Thrown inside the caller's transaction, so the insert is rolled back.
        throw new Error(`Chat ${m.chat_id} belongs to account ${s.account_id}, not ${m.account_id}.`);
      }
      const advance = isAfter(m, s.last_sent_at, s.last_message_id);
      const afterMarker = isAfter(m, s.read_sent_at, s.read_id);
      let unread = s.unread_count;
      let readSentAt = s.read_sent_at;
      let readId = s.read_id;
      if (!m.from_me) {
        if (live || afterMarker) unread += 1;
      } else if (ownReadsChat && (live || afterMarker)) {
        if (afterMarker) {
          readSentAt = m.sent_at;
          readId = m.id;
        }
        // Usually 0: messages after one the user just wrote are rare, but history can bring them.
        unread = readSentAt === null || readId === null ? 0 : (countUnreadAfter.get(m.chat_id, readSentAt, readId)?.n ?? 0);
      }
      // One UPDATE per insert: this runs for every message of a burst.
      afterInsert.run({
        chatId: m.chat_id,
        advance: advance ? 1 : 0,
        id: m.id,
        sentAt: m.sent_at,
        preview: advance ? previewOf(m.body) : null,
        fromMe: m.from_me,
        unread,
        readSentAt,
        readId,
      });
    },

    /**
     * Re-reads the chat's newest message after one of its messages changed (edit, delete, new
     * sent_at). One indexed lookup; cheaper than reasoning about which change moved what.
     */
    refreshLast(chatId: number): void {
      const m = newest.get(chatId);
      if (m) {
        setLast(chatId, m);
      } else {
        const created = creationTime.get(chatId)?.created_at ?? 0;
        writeLast.run(null, null, null, 0, 0, created, chatId);
      }
    },

    /** A message's body changed (edit): the preview follows when it is the last message. */
    noteBodyChanged(m: RawMessage): void {
      if (state(m.chat_id).last_message_id === m.id) setLast(m.chat_id, m);
    },

    /** An incoming message was deleted: it no longer counts as unread. */
    noteDeleted(m: RawMessage): void {
      const s = state(m.chat_id);
      if (!m.from_me && s.unread_count > 0 && isAfter(m, s.read_sent_at, s.read_id)) {
        writeUnread.run(s.unread_count - 1, s.read_sent_at, s.read_id, m.chat_id);
      }
      if (s.last_message_id === m.id) this.refreshLast(m.chat_id);
    },

    /** Unread to 0 and the read marker to the newest message; returns the newest incoming one. */
    markRead(chatId: number): RawMessage | undefined {
      const s = state(chatId);
      const top = newest.get(chatId);
      writeUnread.run(0, top?.sent_at ?? s.read_sent_at, top?.id ?? s.read_id, chatId);
      return newestIncoming.get(chatId);
    },
  };
}

export type ChatSummary = ReturnType<typeof chatSummary>;
