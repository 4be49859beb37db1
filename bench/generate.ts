// Builds the benchmark's database fast: the store creates the schema, then raw SQL fills it in
// big transactions (what a Store method does per message would take minutes for a million).
// Deterministic: the same seed gives the same file.
import Database from 'better-sqlite3';
import { openStore } from '../electron/store/store';
import { tokenize } from '../electron/store/search-terms';
import { COMMON_WORD, RARE_WORD, WORDS } from './words';

export const ACCOUNT_ID = 'bench-account';
export const ME = 'me@bench.example';

/** mulberry32: a small, fast, seedable PRNG; Math.random cannot be seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-like word picker: word k is drawn with weight 1/(k+1). */
function wordPicker(random: () => number): () => string {
  const cumulative: number[] = [];
  let sum = 0;
  WORDS.forEach((_, k) => cumulative.push((sum += 1 / (k + 1))));
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return WORDS[lo] ?? 'hi';
  };
}

export function bodyMaker(random: () => number): () => string {
  const word = wordPicker(random);
  return () => {
    const n = 3 + Math.floor(random() * 18);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(word());
    if (random() < 0.5) words.splice(Math.floor(random() * n), 0, COMMON_WORD);
    if (random() < 0.0001) words.splice(Math.floor(random() * n), 0, RARE_WORD);
    const s = words.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1) + (random() < 0.3 ? '?' : '.');
  };
}

/** Skewed chat sizes: a few with tens of thousands of messages, most with a few hundred. */
export function chatWeights(chats: number, random: () => number): number[] {
  return Array.from({ length: chats }, (_, i) => {
    if (i < 5) return 40_000;
    if (i < 25) return 10_000;
    return 60 + random() * 550;
  });
}

export interface Generated {
  seconds: number;
  chatIds: number[];
  /** Chat ids, biggest first, with their message counts. */
  sizes: Array<{ id: number; n: number }>;
  lastSentAt: number;
  messages: number;
}

export function generate(path: string, messages: number, chats: number, seed = 1): Generated {
  const started = performance.now();
  openStore(path).close(); // the schema, exactly as the store creates it

  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a crash while generating just means generating again
  db.pragma('cache_size = -262144');
  const random = rng(seed);
  const body = bodyMaker(random);

  db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?)').run(ACCOUNT_ID, 'xmpp', ME, '{}', 0);
  const security = JSON.stringify({ e2ee: false, protocol: null, endsAt: 'server', label: 'Encrypted in transit' });
  const insertChat = db.prepare(
    `INSERT INTO chats (account_id, network, address, title, kind, inbox, security_json, pinned, archived, created_at, last_activity_at)
     VALUES (?, 'xmpp', ?, ?, ?, 'native', ?, ?, ?, 0, 0)`,
  );
  const chatIds: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < chats; i++) {
      const group = i % 7 === 0;
      const pinned = i % 400 === 3 ? 1 : 0;
      const archived = i % 40 === 11 ? 1 : 0;
      const r = insertChat.run(ACCOUNT_ID, `contact${i}@bench.example`, `Contact ${i}`, group ? 'group' : 'direct', security, pinned, archived);
      chatIds.push(Number(r.lastInsertRowid));
    }
  })();

  const weights = chatWeights(chats, random);
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const pickChat = (): number => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const insertMessage = db.prepare(
    `INSERT INTO messages (chat_id, account_id, network_id, client_id, sender, from_me, body, sent_at, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The full-text index is the store's to write (migration 004); here one statement per batch.
  const indexFrom = db.prepare('INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE id > ?');
  const maxId = db.prepare<[], { m: number | null }>('SELECT max(id) AS m FROM messages');
  // One message a minute, ending now-ish; ids (arrival order) follow time as in real life.
  const start = Date.UTC(2024, 0, 1);
  const BATCH = 50_000;
  for (let done = 0; done < messages; ) {
    const n = Math.min(BATCH, messages - done);
    db.transaction(() => {
      const before = maxId.get()?.m ?? 0;
      for (let i = done; i < done + n; i++) {
        const c = pickChat();
        const fromMe = random() < 0.3;
        insertMessage.run(
          chatIds[c],
          ACCOUNT_ID,
          `n${i}`,
          fromMe ? `c${i}` : null,
          fromMe ? ME : `contact${c}@bench.example`,
          fromMe ? 1 : 0,
          body(),
          start + i * 60_000,
          fromMe ? 'read' : 'received',
        );
      }
      indexFrom.run(before);
    })();
    done += n;
    process.stderr.write(`\rgenerated ${done.toLocaleString('en')} / ${messages.toLocaleString('en')} messages`);
  }
  process.stderr.write('\n');

  // The chat summaries, once, the slow way: this is exactly what the store maintains per write.
  db.exec(`
    UPDATE chats SET (last_message_id, last_sent_at, last_preview, last_sender_me, last_activity_at) = (
      SELECT id, sent_at, substr(body, 1, 160), from_me, sent_at FROM messages
      WHERE chat_id = chats.id ORDER BY sent_at DESC, id DESC LIMIT 1
    ) WHERE EXISTS (SELECT 1 FROM messages WHERE chat_id = chats.id);
    UPDATE chats SET unread_count = id % 4, read_sent_at = last_sent_at - 1, read_id = last_message_id - 1;
  `);
  // The search vocabulary the store keeps as it writes (search-terms.ts): here, every word the
  // generator can use.
  const addTerm = db.prepare('INSERT OR IGNORE INTO search_terms (term) VALUES (?)');
  for (const term of tokenize([...WORDS, COMMON_WORD, RARE_WORD].join(' '))) addTerm.run(term);

  const sizes = db
    .prepare<[], { id: number; n: number }>('SELECT chat_id AS id, count(*) AS n FROM messages GROUP BY chat_id ORDER BY n DESC')
    .all();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    seconds: (performance.now() - started) / 1000,
    chatIds,
    sizes,
    lastSentAt: start + messages * 60_000,
    messages,
  };
}
