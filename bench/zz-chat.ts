import Database from 'better-sqlite3';
const db = new Database('/tmp/ftsexp/base.sqlite'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma('cache_size=-65536'); db.pragma('foreign_keys=ON');
const sel = db.prepare('SELECT account_id, last_message_id, last_sent_at, unread_count, read_sent_at, read_id FROM chats WHERE id = ?');
const upd = db.prepare(`UPDATE chats SET last_message_id = ?, last_sent_at = ?, last_preview = ?, last_activity_at = ?, unread_count = unread_count + 1 WHERE id = ?`);
const upd2 = db.prepare(`UPDATE chats SET last_message_id = ?, last_sent_at = ?, last_preview = ?, unread_count = unread_count + 1 WHERE id = ?`);
let clock = Date.UTC(2031, 0, 1);
for (const [name, fn] of [
  ['select', (c: number) => sel.get(c)],
  ['update', (c: number) => upd.run(1, ++clock, 'some preview text here', clock, c)],
  ['update-no-activity', (c: number) => upd2.run(1, ++clock, 'some preview text here', c)],
] as const) {
  const tx = db.transaction(() => { for (let i = 0; i < 1000; i++) fn(1 + Math.floor(Math.random() * 2000)); });
  const t0 = performance.now(); for (let b = 0; b < 20; b++) tx(); console.log(name, ((performance.now() - t0) / 20000 * 1000).toFixed(1), 'µs/op');
}
db.close();
