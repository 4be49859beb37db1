// TEMPORARY experiment, deleted before reporting.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { openStore } from '../electron/store/store';
import type { IncomingMessage } from '../protocols/adapter';
import { ACCOUNT_ID, bodyMaker, generate, rng } from './generate';
const base = '/tmp/ftsexp/base.sqlite';
if (!existsSync(base)) generate(base, 1_000_000, 2_000);
const [cache, batch, mode, automerge] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5]];
const path = `/tmp/ftsexp/run-${process.pid}.sqlite`;
copyFileSync(base, path);
import { execSync } from 'node:child_process'; execSync('sync');
const random = rng(2); const body = bodyMaker(random);
let clock = Date.UTC(2030, 0, 1); let nid = 0;
const items: Array<{ chatId: number; message: IncomingMessage }> = Array.from({ length: 100_000 }, () => {
  const chatId = 1 + Math.floor(random() * 2000);
  clock += 50;
  return { chatId, message: { chat: 'x', networkId: `b${nid++}`, sender: 's', fromMe: false, body: body(), sentAt: clock, historical: false } };
});
if (process.env.DROP) { const d = new Database(path); d.exec(process.env.DROP); d.close(); }
if (automerge) { const d = new Database(path); d.prepare(`INSERT INTO messages_fts(messages_fts, rank) VALUES('automerge', ${automerge})`).run(); d.close(); }
let t0: number;
if (mode === 'store') {
  const store = openStore(path, { cacheMiB: cache });
  t0 = performance.now();
  for (let i = 0; i < items.length; i += batch) store.insertIncomingBatch(ACCOUNT_ID, items.slice(i, i + batch));
  store.close();
} else {
  const db = new Database(path); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma(`cache_size=${-1024 * cache}`); if (process.env.PRAGMAS) for (const p of process.env.PRAGMAS.split(';')) db.pragma(p);
  const ins = db.prepare(`INSERT INTO messages (chat_id, account_id, network_id, sender, from_me, body, sent_at, status) VALUES (?, ?, ?, ?, 0, ?, ?, 'received')`
    + (mode === 'bare' ? '' : mode === 'bare5' ? ' ON CONFLICT (account_id, network_id) WHERE network_id IS NOT NULL DO NOTHING' : ` ON CONFLICT (account_id, network_id) WHERE network_id IS NOT NULL DO NOTHING RETURNING *`));
  const upd = db.prepare(`UPDATE chats SET last_message_id = ?, last_sent_at = ?, last_preview = ?, last_activity_at = ?, unread_count = unread_count + 1 WHERE id = ?`);
  const sel = db.prepare('SELECT account_id, last_message_id, last_sent_at, unread_count, read_sent_at, read_id FROM chats WHERE id = ?');
  const tx = db.transaction((b: typeof items) => { for (const { chatId, message: m } of b) {
    if (mode === 'bare' || mode === 'bare5') ins.run(chatId, ACCOUNT_ID, m.networkId, m.sender, m.body, m.sentAt);
    else { const r = ins.get(chatId, ACCOUNT_ID, m.networkId, m.sender, m.body, m.sentAt) as { id: number };
      if (mode === 'bare3') { sel.get(chatId); upd.run(r.id, m.sentAt, m.body, m.sentAt, chatId); }
      if (mode === 'bare4') { sel.get(chatId); }
    }
  } });
  t0 = performance.now();
  for (let i = 0; i < items.length; i += batch) tx(items.slice(i, i + batch));
  db.close();
}
console.log(process.argv.slice(2).join(' '), Math.round(100_000 / ((performance.now() - t0!) / 1000)), 'msg/s');
rmSync(path); rmSync(`${path}-wal`, { force: true }); rmSync(`${path}-shm`, { force: true });
