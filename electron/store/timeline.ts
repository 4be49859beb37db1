// Reading a chat's timeline with keyset paging on (sent_at, id), always through the
// messages_timeline index: the cost of a page does not grow with how far back it is.
import type { Database } from 'better-sqlite3';
import { MESSAGE_COLUMNS, toMessage, type RawMessage } from './rows';
import type { MessageRow, TimelineCursor, TimelinePage } from './types';

const cursorOf = (r: RawMessage): TimelineCursor => ({ sentAt: r.sent_at, id: r.id });

export function timelineQueries(db: Database) {
  const get = db.prepare<[number], RawMessage>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
  const byClientId = db.prepare<[string, string], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND client_id = ?`,
  );
  const newest = db.prepare<[number, number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY sent_at DESC, id DESC LIMIT ?`,
  );
  const before = db.prepare<[number, number, number, number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? AND (sent_at, id) < (?, ?)
     ORDER BY sent_at DESC, id DESC LIMIT ?`,
  );
  const after = db.prepare<[number, number, number, number], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? AND (sent_at, id) > (?, ?)
     ORDER BY sent_at, id LIMIT ?`,
  );

  /** Newest-first rows (one more than wanted was asked for) → an oldest-first page. */
  function olderPage(rows: RawMessage[], limit: number): TimelinePage {
    const more = rows.length > limit;
    if (more) rows.length = limit;
    rows.reverse();
    const oldest = rows[0];
    return { messages: rows.map(toMessage), olderCursor: more && oldest ? cursorOf(oldest) : null };
  }

  const clamp = (limit: number): number => Math.max(0, Math.floor(limit));

  return {
    getMessage(id: number): MessageRow | undefined {
      const r = get.get(id);
      return r && toMessage(r);
    },
    getMessageByClientId(accountId: string, clientId: string): MessageRow | undefined {
      const r = byClientId.get(accountId, clientId);
      return r && toMessage(r);
    },
    listMessages(chatId: number, cursor: TimelineCursor | null, limit: number): TimelinePage {
      const n = clamp(limit);
      const rows = cursor ? before.all(chatId, cursor.sentAt, cursor.id, n + 1) : newest.all(chatId, n + 1);
      return olderPage(rows, n);
    },
    listMessagesAround(
      messageId: number,
      limit: number,
    ): TimelinePage & { newerCursor: TimelineCursor | null } {
      const n = clamp(limit);
      const target = get.get(messageId);
      if (!target) return { messages: [], olderCursor: null, newerCursor: null };
      const older = olderPage(before.all(target.chat_id, target.sent_at, target.id, n + 1), n);
      const newer = after.all(target.chat_id, target.sent_at, target.id, n + 1);
      const moreNewer = newer.length > n;
      if (moreNewer) newer.length = n;
      const newestRow = newer[newer.length - 1] ?? target;
      return {
        messages: [...older.messages, toMessage(target), ...newer.map(toMessage)],
        olderCursor: older.olderCursor,
        newerCursor: moreNewer ? cursorOf(newestRow) : null,
      };
    },
    listMessagesAfter(chatId: number, cursor: TimelineCursor, limit: number): MessageRow[] {
      return after.all(chatId, cursor.sentAt, cursor.id, clamp(limit)).map(toMessage);
    },
  };
}
