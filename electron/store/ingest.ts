// What the network tells us: new messages (deduplicated), receipts, edits and deletes.
import type { Database } from 'better-sqlite3';
import type { IncomingMessage } from '../../protocols/adapter';
import type { attachmentQueries } from './attachments';
import type { ChatSummary, SummaryChange } from './chat-summary';
import { MESSAGE_COLUMNS, toMessage, type RawMessage } from './rows';
import type { SearchTerms } from './search-terms';
import type { TextIndex } from './text-index';
import type { MessageRow, MessageStatus, SystemMessageInput } from './types';

// chat_id, account_id, network_id, client_id, sender, sender_name, from_me, body, sent_at, status
type InsertParams = [
  number,
  string,
  string | null,
  string | null,
  string,
  string | null,
  number,
  string,
  number,
  MessageStatus,
];

export function ingestQueries(
  db: Database,
  summary: ChatSummary,
  terms: SearchTerms,
  index: TextIndex,
  raiseToSent: (row: RawMessage, networkId: string, sentAt: number) => RawMessage,
  attachments: Pick<ReturnType<typeof attachmentQueries>, 'insertAttachments'>,
) {
  // A duplicate by (account, network id) inserts nothing (changes = 0). No RETURNING: on the
  // hot path of a burst it cost 30% of the insert rate; the row is rebuilt from its inputs.
  const insert = db.prepare<InsertParams>(
    `INSERT INTO messages (chat_id, account_id, network_id, client_id, sender, sender_name, from_me, body, sent_at, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, network_id) WHERE network_id IS NOT NULL DO NOTHING`,
  );
  const byClientId = db.prepare<[string, string], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND client_id = ?`,
  );
  const byNetworkId = db.prepare<[string, string], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND network_id = ?`,
  );
  const raiseToDelivered = db.prepare<[string, string], RawMessage>(
    `UPDATE messages SET status = 'delivered'
     WHERE account_id = ? AND network_id = ? AND from_me = 1 AND status IN ('queued', 'sent')
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  const raiseToRead = db.prepare<[string, string], RawMessage>(
    `UPDATE messages SET status = 'read'
     WHERE account_id = ? AND network_id = ? AND from_me = 1 AND status IN ('queued', 'sent', 'delivered')
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  // A read marker covers everything before it. The WHERE repeats the partial index's condition
  // word for word so SQLite uses messages_own_unread (only own messages not yet read).
  const raiseOlderToRead = db.prepare<[number, number, number], RawMessage>(
    `UPDATE messages SET status = 'read'
     WHERE chat_id = ? AND from_me = 1 AND status IN ('sent', 'delivered') AND (sent_at, id) < (?, ?)
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  // An edit older than the last one applied is stale; a deleted message stays deleted.
  const edit = db.prepare<[string, number, string, string, number], RawMessage>(
    `UPDATE messages SET body = ?, edited_at = ?
     WHERE account_id = ? AND network_id = ? AND deleted = 0 AND (edited_at IS NULL OR edited_at <= ?)
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  const remove = db.prepare<[number, string, string], RawMessage>(
    `UPDATE messages SET body = '', deleted = 1, edited_at = ?
     WHERE account_id = ? AND network_id = ? AND deleted = 0
     RETURNING ${MESSAGE_COLUMNS}`,
  );

  // A notice has no network id of its own; its dedupe key takes that column (prefixed, so it can
  // never collide with a real one) so the same notice stored twice is dropped like a duplicate.
  const insertSystem = db.prepare<[string | null, string, string, number, string, number], RawMessage>(
    `INSERT INTO messages (chat_id, account_id, network_id, sender, from_me, body, sent_at, status, kind)
     SELECT id, account_id, ?, ?, 0, ?, ?, 'received', ? FROM chats WHERE id = ?
     ON CONFLICT (account_id, network_id) WHERE network_id IS NOT NULL DO NOTHING
     RETURNING ${MESSAGE_COLUMNS}`,
  );

  function insertOne(accountId: string, chatId: number, m: IncomingMessage): MessageRow | undefined {
    if (m.fromMe && m.clientId) {
      // Our own message coming back (carbon, archive): it is already stored, from when we queued it.
      const own = byClientId.get(accountId, m.clientId);
      if (own) {
        raiseToSent(own, m.networkId, m.sentAt);
        return undefined;
      }
    }
    const r: RawMessage = {
      id: 0,
      chat_id: chatId,
      account_id: accountId,
      network_id: m.networkId,
      // Only our own client ids mean anything to us; another client's could collide with ours.
      client_id: m.fromMe ? (m.clientId ?? null) : null,
      sender: m.sender,
      sender_name: m.senderName ?? null,
      from_me: m.fromMe ? 1 : 0,
      body: m.body,
      sent_at: m.sentAt,
      status: m.fromMe ? 'sent' : 'received',
      error: null,
      edited_at: null,
      deleted: 0,
      kind: 'text',
      attachment_count: 0,
    };
    const info = insert.run(
      r.chat_id,
      r.account_id,
      r.network_id,
      r.client_id,
      r.sender,
      r.sender_name,
      r.from_me,
      r.body,
      r.sent_at,
      r.status,
    );
    if (info.changes === 0) return undefined;
    r.id = Number(info.lastInsertRowid);
    // Before the summary: the chat's preview names the first file ("Photo · caption").
    if (m.attachments?.length) r.attachment_count = attachments.insertAttachments(r.id, m.attachments);
    summary.noteInserted(r, !m.historical, true);
    index.added(r);
    return toMessage(r);
  }

  return {
    insertIncoming: db.transaction((accountId: string, chatId: number, m: IncomingMessage) =>
      summary.batch(() => insertOne(accountId, chatId, m)),
    ),

    insertIncomingBatch: db.transaction(
      (
        accountId: string,
        items: ReadonlyArray<{ chatId: number; message: IncomingMessage }>,
        changes?: Map<number, SummaryChange>,
      ) => summary.batch(() => items.map((item) => insertOne(accountId, item.chatId, item.message)), changes),
    ),

    insertSystemMessage(input: SystemMessageInput): MessageRow | undefined {
      const r = insertSystem.get(
        input.dedupeKey === undefined ? null : `sys:${input.dedupeKey}`,
        input.sender,
        input.body,
        input.sentAt,
        input.kind,
        input.chatId,
      );
      if (!r) return undefined;
      index.added(r);
      return toMessage(r);
    },

    applyReceipt: db.transaction(
      (accountId: string, networkIds: string[], status: 'delivered' | 'read'): MessageRow[] => {
        const changed = new Map<number, RawMessage>();
        for (const networkId of networkIds) {
          const raised = (status === 'read' ? raiseToRead : raiseToDelivered).get(accountId, networkId);
          if (raised) changed.set(raised.id, raised);
          if (status !== 'read') continue;
          const target = raised ?? byNetworkId.get(accountId, networkId);
          if (!target || !target.from_me) continue;
          for (const r of raiseOlderToRead.all(target.chat_id, target.sent_at, target.id)) changed.set(r.id, r);
        }
        return [...changed.values()].map(toMessage);
      },
    ),

    applyEdit: db.transaction((accountId: string, networkId: string, body: string, at: number) => {
      const r = edit.get(body, at, accountId, networkId, at);
      if (!r) return undefined;
      summary.noteBodyChanged(r);
      terms.note(r.body);
      return toMessage(r);
    }),

    applyDelete: db.transaction((accountId: string, networkId: string, at: number) => {
      const r = remove.get(at, accountId, networkId);
      if (!r) return undefined;
      summary.noteDeleted(r);
      return toMessage(r);
    }),
  };
}
