// Store benchmark at a million messages. Run: node --import tsx bench/store.bench.ts
// Prints one JSON object on stdout; progress goes to stderr.
//
// Every figure is measured twice in the same run on the same data: through the Store (what the
// app pays) and as the minimal hand-written SQLite statement (the floor). For "ms" figures the
// ratio is store/baseline; for "msg/s" it is baseline/store, so a ratio above 1 always means
// "the store is that many times slower than bare SQLite". For msg/s, "p99" is the slow end: the
// rate that 99% of runs beat.
//
// Environment knobs (for quick runs): BENCH_MESSAGES (default 1,000,000), BENCH_CHATS (2,000),
// BENCH_RUNS (200), BENCH_INGEST (100,000), BENCH_INGEST_BATCH (1,000 per transaction),
// BENCH_KEEP=1 keeps the temp dir.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from '../protocols/adapter';
import { openStore } from '../electron/store/store';
import type { TimelineCursor } from '../electron/store/types';
import { ACCOUNT_ID, bodyMaker, generate, rng } from './generate';
import { serviceFigures, type Figure } from './serviceFigures';
import { COMMON_WORD, RARE_WORD } from './words';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const MESSAGES = env('BENCH_MESSAGES', 1_000_000);
const CHATS = env('BENCH_CHATS', 2_000);
const RUNS = env('BENCH_RUNS', 200);
const INGEST = env('BENCH_INGEST', 100_000);
const INGEST_RUNS = 3;
const INGEST_BATCH = env('BENCH_INGEST_BATCH', 1_000);
const WARMUP = 10;

const log = (s: string) => process.stderr.write(`${s}\n`);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 1));

/** Times `fn(i)` for i = 0..runs-1 after a warm-up; returns sorted milliseconds. */
function time(runs: number, fn: (i: number) => unknown): number[] {
  for (let i = 0; i < Math.min(WARMUP, runs); i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

function msFigure(name: string, store: number[], baseline: number[] | null): Figure {
  const median = quantile(store, 0.5);
  const baselineMedian = baseline ? quantile(baseline, 0.5) : null;
  return {
    name,
    unit: 'ms',
    median: round(median),
    p99: round(quantile(store, 0.99)),
    baselineMedian: baselineMedian === null ? null : round(baselineMedian),
    ratio: baselineMedian === null ? null : round(median / baselineMedian, 2),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
// Named like a profile's database, so the service figures can open the folder as a profile.
const path = join(dir, 'switchboard.sqlite');
try {
  log(`generating ${MESSAGES.toLocaleString('en')} messages in ${CHATS} chats in ${path}`);
  const gen = generate(path, MESSAGES, CHATS);
  log(`generated in ${gen.seconds.toFixed(1)} s; biggest chat ${gen.sizes[0]?.n}, median chat ${gen.sizes[gen.sizes.length >> 1]?.n}`);

  const store = openStore(path);
  // The baseline uses the same file through its own connection, set up like the store's
  // (electron/store/store.ts), so the figures differ only by what the store does on top.
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -65536');
  raw.pragma('wal_autocheckpoint = 16384');
  raw.pragma(`journal_size_limit = ${96 * 1024 * 1024}`);

  const big = gen.sizes[0]!.id;
  const typical = gen.sizes.slice(gen.sizes.length >> 2, (gen.sizes.length * 3) >> 2).map((s) => s.id);
  const typicalAt = (i: number) => typical[i % typical.length]!;
  const figures: Figure[] = [];

  log('chat list');
  const bareChats = raw.prepare(
    'SELECT * FROM chats WHERE archived = 0 ORDER BY pinned DESC, last_activity_at DESC, id DESC LIMIT 200',
  );
  figures.push(
    msFigure('chat list (listChats 200)', time(RUNS, () => store.listChats({ limit: 200 })), time(RUNS, () => bareChats.all())),
  );

  log('open chat');
  const bareNewest = raw.prepare('SELECT * FROM messages WHERE chat_id = ? ORDER BY sent_at DESC, id DESC LIMIT 50');
  figures.push(
    msFigure(
      `open big chat (${gen.sizes[0]!.n} messages, last 50)`,
      time(RUNS, () => store.listMessages(big, null, 50)),
      time(RUNS, () => bareNewest.all(big)),
    ),
  );
  figures.push(
    msFigure(
      'open typical chat (last 50)',
      time(RUNS, (i) => store.listMessages(typicalAt(i), null, 50)),
      time(RUNS, (i) => bareNewest.all(typicalAt(i))),
    ),
  );

  log('page back');
  // Walk back through the big chat once to collect cursors, then time both sides on the same ones.
  const cursors: TimelineCursor[] = [];
  let cursor = store.listMessages(big, null, 50).olderCursor;
  while (cursor && cursors.length < RUNS + WARMUP) {
    cursors.push(cursor);
    cursor = store.listMessages(big, cursor, 50).olderCursor;
  }
  const bareBefore = raw.prepare(
    'SELECT * FROM messages WHERE chat_id = ? AND (sent_at, id) < (?, ?) ORDER BY sent_at DESC, id DESC LIMIT 50',
  );
  const cursorAt = (i: number) => cursors[i % cursors.length]!;
  figures.push(
    msFigure(
      'page back in big chat (olderCursor, 50)',
      time(RUNS, (i) => store.listMessages(big, cursorAt(i), 50)),
      time(RUNS, (i) => bareBefore.all(big, cursorAt(i).sentAt, cursorAt(i).id)),
    ),
  );

  log('search');
  const bareSearch = raw.prepare(
    `SELECT m.*, c.title FROM messages m JOIN chats c ON c.id = m.chat_id
     WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 50)`,
  );
  for (const [label, word] of [
    ['common', COMMON_WORD],
    ['rare', RARE_WORD],
  ] as const) {
    const hits = store.search(word, 50).length;
    log(`  "${word}": ${hits} hits shown`);
    figures.push(
      msFigure(
        `search ${label} word "${word}" (50 newest)`,
        time(RUNS, () => store.search(word, 50)),
        time(RUNS, () => bareSearch.all(`"${word}"`)),
      ),
    );
  }

  log('ingest');
  const random = rng(2);
  const body = bodyMaker(random);
  let nextNetworkId = 0;
  let clock = gen.lastSentAt;
  // New messages spread over the chats like the existing ones (by chat size).
  const weighted = gen.sizes.flatMap((s) => Array<number>(Math.max(1, Math.round(s.n / 100))).fill(s.id));
  type Burst = Array<{ chatId: number; message: IncomingMessage }>;
  function burst(): Burst {
    return Array.from({ length: INGEST }, () => {
      const chatId = weighted[Math.floor(random() * weighted.length)]!;
      clock += 50;
      return {
        chatId,
        message: {
          chat: `chat${chatId}`,
          networkId: `burst-${nextNetworkId++}`,
          sender: `contact${chatId}@bench.example`,
          fromMe: false,
          body: body(),
          sentAt: clock,
          historical: false,
        },
      };
    });
  }
  const bareInsert = raw.prepare(
    `INSERT INTO messages (chat_id, account_id, network_id, sender, from_me, body, sent_at, status)
     VALUES (?, ?, ?, ?, 0, ?, ?, 'received')`,
  );
  // The same rows plus their full-text entries: what the store has to write at the least.
  const bareIndex = raw.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
  const bareBatch = raw.transaction((items: Burst) => {
    for (const { chatId, message: m } of items) {
      bareIndex.run(bareInsert.run(chatId, ACCOUNT_ID, m.networkId, m.sender, m.body, m.sentAt).lastInsertRowid, m.body);
    }
  });
  function ingestFigure(batch: number): Figure {
    const storeRates: number[] = [];
    const bareRates: number[] = [];
    for (let run = 0; run < INGEST_RUNS; run++) {
      // Alternating store and bare runs, each on fresh messages, so neither gets a warmer file.
      for (const [rates, insert] of [
        [storeRates, (b: Burst) => store.insertIncomingBatch(ACCOUNT_ID, b)],
        [bareRates, (b: Burst) => bareBatch(b)],
      ] as const) {
        const items = burst();
        const t0 = performance.now();
        for (let i = 0; i < items.length; i += batch) insert(items.slice(i, i + batch));
        rates.push(items.length / ((performance.now() - t0) / 1000));
      }
      log(`  batch ${batch}, run ${run + 1}: store ${Math.round(storeRates[run]!)} msg/s, bare ${Math.round(bareRates[run]!)} msg/s`);
    }
    storeRates.sort((a, b) => b - a);
    bareRates.sort((a, b) => b - a);
    const median = quantile(storeRates, 0.5);
    const bareMedian = quantile(bareRates, 0.5);
    return {
      name: `ingest burst (${INGEST.toLocaleString('en')} incoming, insertIncomingBatch, ${batch.toLocaleString('en')} per transaction)`,
      unit: 'msg/s',
      median: Math.round(median),
      p99: Math.round(quantile(storeRates, 0.99)),
      baselineMedian: Math.round(bareMedian),
      ratio: round(bareMedian / median, 2),
    };
  }
  // 1,000 per transaction is what the service would gather from a catch-up; 10,000 shows how
  // much of the cost is per commit (WAL pages written once per transaction).
  for (const batch of new Set([INGEST_BATCH, 10_000])) figures.push(ingestFigure(batch));

  store.close();
  figures.push(
    ...(await serviceFigures(dir, raw, { big, typical }, {
      runs: RUNS,
      warmup: WARMUP,
      ingest: INGEST,
      ingestRuns: INGEST_RUNS,
      log,
      time,
      msFigure,
      quantile,
      round,
    })),
  );
  raw.close();
  process.stdout.write(`${JSON.stringify({ generatedIn_s: round(gen.seconds), figures }, null, 2)}\n`);
} finally {
  if (process.env.BENCH_KEEP === '1') log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
