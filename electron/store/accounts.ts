// Accounts, the key/value state each account's adapter keeps (catch-up cursors and the like), and
// the app-wide settings.
import type { Database } from 'better-sqlite3';
import { toAccount, type RawAccount } from './rows';
import type { AccountRow } from './types';

export function accountQueries(db: Database) {
  const insert = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO accounts (id, network, address, settings_json, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const get = db.prepare<[string], RawAccount>('SELECT * FROM accounts WHERE id = ?');
  const list = db.prepare<[], RawAccount>('SELECT * FROM accounts ORDER BY created_at, id');
  // Chats cascade to messages; the FTS rows go with them through the delete trigger.
  const remove = db.prepare<[string]>('DELETE FROM accounts WHERE id = ?');
  // The removed account's words must not stay behind in the search vocabulary. One pass over
  // FTS5's term list: seconds at a million messages, acceptable for a rare, deliberate action.
  const pruneTerms = db.prepare('DELETE FROM search_terms WHERE term NOT IN (SELECT term FROM messages_fts_terms)');
  const getState = db.prepare<[string, string], { value: string }>(
    'SELECT value FROM adapter_state WHERE account_id = ? AND key = ?',
  );
  const setState = db.prepare<[string, string, string]>(
    'INSERT INTO adapter_state (account_id, key, value) VALUES (?, ?, ?) ' +
      'ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value',
  );
  const deleteState = db.prepare<[string, string]>('DELETE FROM adapter_state WHERE account_id = ? AND key = ?');

  const getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const setSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  return {
    getSetting(key: string): string | undefined {
      return getSetting.get(key)?.value;
    },
    setSetting(key: string, value: string): void {
      setSetting.run(key, value);
    },
    addAccount(a: AccountRow): void {
      insert.run(a.id, a.network, a.address, a.settingsJson, a.createdAt);
    },
    getAccount(id: string): AccountRow | undefined {
      const r = get.get(id);
      return r && toAccount(r);
    },
    listAccounts(): AccountRow[] {
      return list.all().map(toAccount);
    },
    removeAccount: db.transaction((id: string): void => {
      remove.run(id);
      pruneTerms.run();
    }),
    getAdapterState(accountId: string, key: string): string | undefined {
      return getState.get(accountId, key)?.value;
    },
    setAdapterState(accountId: string, key: string, value: string): void {
      setState.run(accountId, key, value);
    },
    deleteAdapterState(accountId: string, key: string): void {
      deleteState.run(accountId, key);
    },
  };
}
