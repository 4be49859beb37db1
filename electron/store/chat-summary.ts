// Keeps each chat row's summary (last message, preview, activity, unread count, read marker) in
// step with its messages, so the chat list reads chat rows only and never aggregates messages.
//
// Only text counts (messages.kind): notices and undecryptable placeholders never become the
// preview, the read marker's target or an unread message.
//
// Two rules hold whatever order messages arrive in:
// - The last message only moves forward in (sent_at, id): an old message from history catch-up
//   never replaces a newer one.
// - Unread counts others' messages after the read marker (plus live ones, which are new to the
//   user even when their timestamp is old); history from before the marker is already read.
//
// Inserts are summarised in memory and each touched chat is written once per batch (`batch`):
// a burst of 1,000 messages across a few hundred chats then costs a few hundred chat updates
// instead of a thousand reads and a thousand updates.
import type { Database } from 'better-sqlite3';
import { messagePreviews } from './attachment-preview';
import { MESSAGE_COLUMNS, type RawMessage } from './rows';

interface SummaryState {
  account_id: string;
  last_message_id: number | null;
  last_sent_at: number | null;
  unread_count: number;
  read_sent_at: number | null;
  read_id: number | null;
}

/**
 * What a batch wrote to a chat's row, so a caller holding the row from before can bring it up to
 * date without reading it again. `last` is absent when the last message did not move.
 */
export interface SummaryChange {
  unreadCount: number;
  last?: { id: number; sentAt: number; preview: string; fromMe: boolean };
}

/** A chat's summary while a batch of inserts is open; written by flush(). */
interface Pending extends SummaryState {
  /** The new last message, when the batch moved it. */
  last: RawMessage | null;
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
  const writeAll = db.prepare<
    [number, number, string, number, number, number, number | null, number | null, number]
  >(
    `UPDATE chats SET last_message_id = ?, last_sent_at = ?, last_preview = ?, last_sender_me = ?,
       last_deleted = 0, last_activity_at = ?, unread_count = ?, read_sent_at = ?, read_id = ?
     WHERE id = ?`,
  );
  const newest = db.prepare<[number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? AND kind = 'text' ORDER BY sent_at DESC, id DESC LIMIT 1`,
  );
  const newestIncoming = db.prepare<[number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? AND from_me = 0 AND kind = 'text' ORDER BY sent_at DESC, id DESC LIMIT 1`,
  );
  const countUnreadAfter = db.prepare<[number, number, number], { n: number }>(
    "SELECT count(*) AS n FROM messages WHERE chat_id = ? AND (sent_at, id) > (?, ?) AND from_me = 0 AND deleted = 0 AND kind = 'text'",
  );
  const creationTime = db.prepare<[number], { created_at: number }>('SELECT created_at FROM chats WHERE id = ?');
  // A message with a file previews as "Photo · caption"; text as itself, with no extra lookup.
  const preview = messagePreviews(db);

  /** Chats summarised in memory by the open batch; null outside a batch. */
  let pending: Map<number, Pending> | null = null;

  function state(chatId: number): SummaryState {
    const s = pending?.get(chatId) ?? readState.get(chatId);
    if (!s) throw new Error(`Chat ${chatId} does not exist (was its account removed?).`);
    return s;
  }

  function flushOne(chatId: number, p: Pending, changes?: Map<number, SummaryChange>): void {
    if (p.last) {
      const m = p.last;
      const text = preview(m);
      writeAll.run(m.id, m.sent_at, text, m.from_me, m.sent_at, p.unread_count, p.read_sent_at, p.read_id, chatId);
      changes?.set(chatId, { unreadCount: p.unread_count, last: { id: m.id, sentAt: m.sent_at, preview: text, fromMe: m.from_me === 1 } });
    } else {
      writeUnread.run(p.unread_count, p.read_sent_at, p.read_id, chatId);
      changes?.set(chatId, { unreadCount: p.unread_count });
    }
  }

  /** Writes a chat's pending summary now, before something else writes its row directly. */
  function settle(chatId: number): void {
    const p = pending?.get(chatId);
    if (p) {
      flushOne(chatId, p);
      pending?.delete(chatId);
    }
  }

  function setLast(chatId: number, m: RawMessage): void {
    writeLast.run(m.id, m.sent_at, m.deleted ? '' : preview(m), m.from_me, m.deleted, m.sent_at, chatId);
  }

  function refreshLast(chatId: number): void {
    settle(chatId);
    const m = newest.get(chatId);
    if (m) {
      setLast(chatId, m);
    } else {
      const created = creationTime.get(chatId)?.created_at ?? 0;
      writeLast.run(null, null, null, 0, 0, created, chatId);
    }
  }

  return {
    /**
     * Runs `fn` with chat summaries kept in memory, then writes each touched chat once. Call inside
     * the transaction that inserts the messages; if `fn` throws, nothing is written (the
     * transaction rolls back anyway). `changes` receives what was written to each chat.
     */
    batch<T>(fn: () => T, changes?: Map<number, SummaryChange>): T {
      if (pending) return fn(); // already batching (nested call)
      pending = new Map();
      try {
        const result = fn();
        for (const [chatId, p] of pending) flushOne(chatId, p, changes);
        return result;
      } finally {
        pending = null;
      }
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
      const p: Pending = { ...s, last: pending?.get(m.chat_id)?.last ?? null };
      if (isAfter(m, s.last_sent_at, s.last_message_id)) {
        p.last = m;
        p.last_message_id = m.id;
        p.last_sent_at = m.sent_at;
      }
      const afterMarker = isAfter(m, s.read_sent_at, s.read_id);
      if (!m.from_me) {
        if (live || afterMarker) p.unread_count += 1;
      } else if (ownReadsChat && (live || afterMarker)) {
        if (afterMarker) {
          p.read_sent_at = m.sent_at;
          p.read_id = m.id;
        }
        // Usually 0: messages after one the user just wrote are rare, but history can bring them.
        p.unread_count =
          p.read_sent_at === null || p.read_id === null
            ? 0
            : (countUnreadAfter.get(m.chat_id, p.read_sent_at, p.read_id)?.n ?? 0);
      }
      if (pending) pending.set(m.chat_id, p);
      else flushOne(m.chat_id, p);
    },

    /**
     * Re-reads the chat's newest message after one of its messages changed (edit, delete, new
     * sent_at). One indexed lookup; cheaper than reasoning about which change moved what.
     */
    refreshLast,

    /** A message's body changed (edit): the preview follows when it is the last message. */
    noteBodyChanged(m: RawMessage): void {
      settle(m.chat_id);
      if (state(m.chat_id).last_message_id === m.id) setLast(m.chat_id, m);
    },

    /** An incoming message was deleted: it no longer counts as unread. */
    noteDeleted(m: RawMessage): void {
      settle(m.chat_id);
      const s = state(m.chat_id);
      if (!m.from_me && s.unread_count > 0 && isAfter(m, s.read_sent_at, s.read_id)) {
        writeUnread.run(s.unread_count - 1, s.read_sent_at, s.read_id, m.chat_id);
      }
      if (s.last_message_id === m.id) refreshLast(m.chat_id);
    },

    /** Unread to 0 and the read marker to the newest message; returns the newest incoming one. */
    markRead(chatId: number): RawMessage | undefined {
      settle(chatId);
      const s = state(chatId);
      const top = newest.get(chatId);
      const readSentAt = top?.sent_at ?? s.read_sent_at;
      const readId = top?.id ?? s.read_id;
      // Opening a chat that is already read writes nothing: no transaction to commit, no WAL page.
      if (s.unread_count !== 0 || s.read_sent_at !== readSentAt || s.read_id !== readId) {
        writeUnread.run(0, readSentAt, readId, chatId);
      }
      return newestIncoming.get(chatId);
    },
  };
}

export type ChatSummary = ReturnType<typeof chatSummary>;
