// Own messages on their way out: queued → sent, or failed and back to queued for a retry.
// Writing `queued` is the first thing that happens to a message the user sends, so a crash
// after it loses nothing: the outbox resends what listQueued returns on start.
import type { Database } from 'better-sqlite3';
import type { attachmentQueries } from './attachments';
import type { ChatSummary } from './chat-summary';
import { MESSAGE_COLUMNS, toMessage, type RawMessage } from './rows';
import type { TextIndex } from './text-index';
import type { MessageRow, QueueInput } from './types';

export function outboxQueries(
  db: Database,
  summary: ChatSummary,
  index: TextIndex,
  attachments: Pick<ReturnType<typeof attachmentQueries>, 'insertAttachments'>,
) {
  const insertQueued = db.prepare<[string, string, number, number], RawMessage>(
    `INSERT INTO messages (chat_id, account_id, client_id, sender, from_me, body, sent_at, status)
     SELECT c.id, c.account_id, ?, a.address, 1, ?, ?, 'queued'
     FROM chats c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  const get = db.prepare<[number], RawMessage>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
  const byNetworkId = db.prepare<[string, string], { id: number }>(
    'SELECT id FROM messages WHERE account_id = ? AND network_id = ?',
  );
  const setSent = db.prepare<[string | null, number, number], RawMessage>(
    `UPDATE messages SET status = 'sent', error = NULL, network_id = ?, sent_at = ? WHERE id = ?
     RETURNING ${MESSAGE_COLUMNS}`,
  );
  const setNetworkId = db.prepare<[string, number], RawMessage>(
    `UPDATE messages SET network_id = ? WHERE id = ? RETURNING ${MESSAGE_COLUMNS}`,
  );
  const setFailed = db.prepare<[string, number], RawMessage>(
    `UPDATE messages SET status = 'failed', error = ? WHERE id = ? AND status = 'queued' RETURNING ${MESSAGE_COLUMNS}`,
  );
  const setQueued = db.prepare<[number], RawMessage>(
    `UPDATE messages SET status = 'queued', error = NULL WHERE id = ? AND status = 'failed' RETURNING ${MESSAGE_COLUMNS}`,
  );
  // Walks the partial index messages_queued: only rows still waiting are in it.
  const queued = db.prepare<[string], RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND status = 'queued' ORDER BY id`,
  );

  function mustGet(id: number): RawMessage {
    const r = get.get(id);
    if (!r) throw new Error(`Message ${id} does not exist (was its account removed?).`);
    return r;
  }

  /**
   * The network id for `row`, unless another row already holds it: that is the network's echo of
   * this message stored before we knew it was ours. Then the row keeps its own id (receipts reach
   * the echo) rather than breaking the unique index.
   */
  function freeNetworkId(row: RawMessage, networkId: string): string | null {
    const holder = byNetworkId.get(row.account_id, networkId);
    return holder && holder.id !== row.id ? row.network_id : networkId;
  }

  /** queued|failed → sent with the network's id and timestamp; a later status is kept. */
  function raiseToSent(row: RawMessage, networkId: string, sentAt: number): RawMessage {
    if (row.status === 'queued' || row.status === 'failed') {
      const r = setSent.get(freeNetworkId(row, networkId), sentAt, row.id) ?? row;
      // The server's timestamp can move the message in the timeline, and with it the last message.
      if (r.sent_at !== row.sent_at) summary.refreshLast(r.chat_id);
      return r;
    }
    if (row.network_id === null) {
      const id = freeNetworkId(row, networkId);
      if (id !== null) return setNetworkId.get(id, row.id) ?? row;
    }
    return row;
  }

  return {
    raiseToSent,

    queueOutgoing: db.transaction(
      (input: QueueInput): MessageRow => {
        const r = insertQueued.get(input.clientId, input.body, input.now, input.chatId);
        if (!r) throw new Error(`Cannot queue a message: chat ${input.chatId} does not exist.`);
        // Before the summary: the chat's preview names the first file ("Photo · caption").
        if (input.attachments?.length) r.attachment_count = attachments.insertAttachments(r.id, input.attachments);
        // Sending from here does not mark the chat read: the service decides that (and sends the
        // read marker) through markChatRead.
        summary.noteInserted(r, true, false);
        index.added(r);
        return toMessage(r);
      },
    ),
    markSent: db.transaction((messageId: number, networkId: string, sentAt: number): MessageRow => {
      return toMessage(raiseToSent(mustGet(messageId), networkId, sentAt));
    }),
    markFailed: db.transaction((messageId: number, error: string): MessageRow => {
      return toMessage(setFailed.get(error, messageId) ?? mustGet(messageId));
    }),
    requeue: db.transaction((messageId: number): MessageRow => {
      return toMessage(setQueued.get(messageId) ?? mustGet(messageId));
    }),
    listQueued(accountId: string): MessageRow[] {
      return queued.all(accountId).map(toMessage);
    },
  };
}
