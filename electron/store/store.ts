// Opens the message database: one better-sqlite3 connection, synchronous, every statement
// prepared once here. Each query module owns one concern; this file only wires them together.
import Database from 'better-sqlite3';
import { accountQueries } from './accounts';
import { attachmentQueries } from './attachments';
import { chatSummary } from './chat-summary';
import { chatQueries } from './chats';
import { ingestQueries } from './ingest';
import { migrate, refuseNewerSchema } from './migrate';
import { outboxQueries } from './outbox';
import { textIndex } from './text-index';
import { searchQueries } from './search';
import { searchTerms } from './search-terms';
import { timelineQueries } from './timeline';
import type { Store } from './types';

export interface OpenStoreOptions {
  /** How long a write waits for another connection's lock before failing. Default 5 s. */
  busyTimeoutMs?: number;
  /** SQLite page cache for this connection, in MiB. Default 64. */
  cacheMiB?: number;
  /** WAL pages between automatic checkpoints. Default 16,384 (64 MiB of WAL). */
  walCheckpointPages?: number;
}

export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // Before anything writes to the file (switching to WAL does): a newer schema is left as found.
    refuseNewerSchema(db, path);
    // WAL + NORMAL: a commit survives an application crash (the WAL is written before the
    // commit returns); only an OS crash or power loss can lose the last commits, never corrupt.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = ${-1024 * Math.max(2, Math.floor(options.cacheMiB ?? 64))}`);
    // A burst of messages across many chats dirties a page per chat in the timeline index and
    // many FTS pages per commit. With the default checkpoint every 1,000 pages (4 MiB), nearly
    // every batch paid a checkpoint and its fsync: 5,200 msg/s at 1M messages. Checkpointing
    // every 16,384 pages (64 MiB of WAL) writes each hot page once per many batches. The size
    // limit sits above that, so the WAL is reused rather than truncated and regrown every cycle,
    // yet cannot stay bigger than 96 MiB after a long read kept it from resetting.
    db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.floor(options.walCheckpointPages ?? 16_384))}`);
    db.pragma(`journal_size_limit = ${96 * 1024 * 1024}`);
    const schemaVersion = migrate(db, path);

    const summary = chatSummary(db);
    const terms = searchTerms(db);
    const index = textIndex(db, terms);
    const attachments = attachmentQueries(db);
    const outbox = outboxQueries(db, summary, index, attachments);
    const parts = {
      ...accountQueries(db),
      ...chatQueries(db, summary),
      ...outbox,
      ...ingestQueries(db, summary, terms, index, outbox.raiseToSent, attachments),
      ...attachments,
      ...timelineQueries(db),
      ...searchQueries(db, terms),
    };

    return {
      schemaVersion,
      // Closing the last connection checkpoints the WAL into the main file. No ANALYZE/optimize:
      // the queries are written for the indexes they use, and statistics could only move plans.
      close: () => {
        if (db.open) db.close();
      },
      addAccount: parts.addAccount,
      getAccount: parts.getAccount,
      listAccounts: parts.listAccounts,
      removeAccount: parts.removeAccount,
      getAdapterState: parts.getAdapterState,
      setAdapterState: parts.setAdapterState,
      deleteAdapterState: parts.deleteAdapterState,
      getSetting: parts.getSetting,
      setSetting: parts.setSetting,
      upsertChat: parts.upsertChat,
      getChat: parts.getChat,
      findChat: parts.findChat,
      findChats: parts.findChats,
      listChats: parts.listChats,
      setChatFlags: parts.setChatFlags,
      setDraft: parts.setDraft,
      setRequestState: parts.setRequestState,
      setChatTrust: parts.setChatTrust,
      markChatRead: parts.markChatRead,
      queueOutgoing: parts.queueOutgoing,
      markSent: parts.markSent,
      markFailed: parts.markFailed,
      requeue: parts.requeue,
      listQueued: parts.listQueued,
      insertIncoming: parts.insertIncoming,
      insertIncomingBatch: parts.insertIncomingBatch,
      insertSystemMessage: parts.insertSystemMessage,
      applyReceipt: parts.applyReceipt,
      applyEdit: parts.applyEdit,
      applyDelete: parts.applyDelete,
      getMessage: parts.getMessage,
      getMessageByClientId: parts.getMessageByClientId,
      listMessages: parts.listMessages,
      listMessagesAround: parts.listMessagesAround,
      listMessagesAfter: parts.listMessagesAfter,
      search: parts.search,
      listAttachments: parts.listAttachments,
      attachmentsFor: parts.attachmentsFor,
      getAttachment: parts.getAttachment,
      updateTransfer: parts.updateTransfer,
      setUploaded: parts.setUploaded,
      setDownloaded: parts.setDownloaded,
      setPlayed: parts.setPlayed,
      takeInterruptedTransfers: parts.takeInterruptedTransfers,
      isContentUsed: parts.isContentUsed,
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
