// Chat rows: upsert from the adapter's ChatInfo, the chat list, flags, drafts, marking read.
import type { Database } from 'better-sqlite3';
import type { ChatInfo } from '../../protocols/adapter';
import type { ChatSummary } from './chat-summary';
import { CHAT_COLUMNS, toChat, toMessage, type RawChat } from './rows';
import type { ChatFlags, ChatRow, ChatTrust, MessageRow, RequestState } from './types';

export function chatQueries(db: Database, summary: ChatSummary) {
  // The network comes from the account, so a chat can never disagree with its account.
  const upsert = db.prepare<[string, string, string, string, string, number, number, string, string], RawChat>(
    `INSERT INTO chats (account_id, network, address, title, kind, inbox, security_json, created_at, last_activity_at, request_state)
     SELECT id, network, ?, ?, ?, ?, ?, ?, ?, ? FROM accounts WHERE id = ?
     ON CONFLICT (account_id, address) DO UPDATE SET
       title = excluded.title, kind = excluded.kind, inbox = excluded.inbox, security_json = excluded.security_json
     RETURNING ${CHAT_COLUMNS}`,
  );
  const get = db.prepare<[number], RawChat>(`SELECT ${CHAT_COLUMNS} FROM chats WHERE id = ?`);
  const find = db.prepare<[string, string], RawChat>(
    `SELECT ${CHAT_COLUMNS} FROM chats WHERE account_id = ? AND address = ?`,
  );
  // One statement for a burst's few hundred chats instead of one each (a third of the service's
  // ingest time went to those lookups); each value still walks the (account_id, address) index.
  const findMany = db.prepare<[string, string], RawChat>(
    `SELECT ${CHAT_COLUMNS} FROM chats WHERE account_id = ? AND address IN (SELECT value FROM json_each(?))`,
  );
  // Both walk the chats_list index in order and stop after `limit` rows: no sort step.
  const listActive = db.prepare<[number], RawChat>(
    `SELECT ${CHAT_COLUMNS} FROM chats WHERE archived = 0
     ORDER BY pinned DESC, last_activity_at DESC, id DESC LIMIT ?`,
  );
  const listAll = db.prepare<[number], RawChat>(
    `SELECT ${CHAT_COLUMNS} FROM chats ORDER BY pinned DESC, last_activity_at DESC, id DESC LIMIT ?`,
  );
  const setFlags = db.prepare<[number | null, number | null, number | null, number], RawChat>(
    `UPDATE chats SET pinned = coalesce(?, pinned), muted = coalesce(?, muted), archived = coalesce(?, archived)
     WHERE id = ? RETURNING ${CHAT_COLUMNS}`,
  );
  const setRequest = db.prepare<[string, number], RawChat>(
    `UPDATE chats SET request_state = ? WHERE id = ? RETURNING ${CHAT_COLUMNS}`,
  );
  const setTrust = db.prepare<[number | null, number | null, number], RawChat>(
    `UPDATE chats SET verified = coalesce(?, verified), identity_changed = coalesce(?, identity_changed)
     WHERE id = ? RETURNING ${CHAT_COLUMNS}`,
  );
  const setDraft = db.prepare<[string, number]>('UPDATE chats SET draft = ? WHERE id = ?');

  const flag = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

  return {
    upsertChat(accountId: string, info: ChatInfo, now: number, requestState: RequestState = 'accepted'): ChatRow {
      const r = upsert.get(
        info.address,
        info.title,
        info.kind,
        info.inbox,
        JSON.stringify(info.security),
        now,
        now,
        requestState,
        accountId,
      );
      if (!r) throw new Error(`Cannot store chat ${info.address}: account ${accountId} does not exist.`);
      return toChat(r);
    },
    getChat(id: number): ChatRow | undefined {
      const r = get.get(id);
      return r && toChat(r);
    },
    findChat(accountId: string, address: string): ChatRow | undefined {
      const r = find.get(accountId, address);
      return r && toChat(r);
    },
    findChats(accountId: string, addresses: readonly string[]): ChatRow[] {
      return findMany.all(accountId, JSON.stringify(addresses)).map(toChat);
    },
    listChats(options: { limit: number; includeArchived?: boolean }): ChatRow[] {
      const rows = options.includeArchived ? listAll.all(options.limit) : listActive.all(options.limit);
      return rows.map(toChat);
    },
    setChatFlags(chatId: number, flags: ChatFlags): ChatRow {
      const r = setFlags.get(flag(flags.pinned), flag(flags.muted), flag(flags.archived), chatId);
      if (!r) throw new Error(`Chat ${chatId} does not exist.`);
      return toChat(r);
    },
    setRequestState(chatId: number, state: RequestState): ChatRow {
      const r = setRequest.get(state, chatId);
      if (!r) throw new Error(`Chat ${chatId} does not exist.`);
      return toChat(r);
    },
    setChatTrust(chatId: number, trust: ChatTrust): ChatRow {
      const r = setTrust.get(flag(trust.verified), flag(trust.identityChanged), chatId);
      if (!r) throw new Error(`Chat ${chatId} does not exist.`);
      return toChat(r);
    },
    setDraft(chatId: number, draft: string): void {
      setDraft.run(draft, chatId);
    },
    markChatRead: db.transaction((chatId: number): MessageRow | undefined => {
      const r = summary.markRead(chatId);
      return r && toMessage(r);
    }),
  };
}
