// The same questions as the store figures, asked through the service's own door
// (`SwitchboardService.call`, what the UI's requests run) and, for ingest, through the path an
// adapter's message events take. Each is set next to the bare SQLite statement, measured in the
// same run on the same file.

import type Database from 'better-sqlite3';
import type { IncomingMessage } from '../protocols/adapter';
import type { Method, Params, Results } from '../electron/api/contract';
import { SwitchboardService } from '../electron/service/service';
import type { TimelineCursor } from '../electron/store/types';
import { ACCOUNT_ID, bodyMaker, rng } from './generate';
import { COMMON_WORD, RARE_WORD } from './words';

export interface Figure {
  name: string;
  unit: 'ms' | 'msg/s';
  median: number;
  p99: number;
  baselineMedian: number | null;
  ratio: number | null;
}

interface Tools {
  runs: number;
  warmup: number;
  ingest: number;
  ingestRuns: number;
  log(line: string): void;
  time(runs: number, fn: (i: number) => unknown): number[];
  msFigure(name: string, measured: number[], baseline: number[] | null): Figure;
  quantile(sorted: number[], q: number): number;
  round(x: number, digits?: number): number;
}

async function timeAsync(runs: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(warmup, runs); i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export async function serviceFigures(
  profileDir: string,
  raw: Database.Database,
  chats: { big: number; typical: number[] },
  t: Tools,
): Promise<Figure[]> {
  const service = new SwitchboardService({ dataDir: profileDir });
  const call = async <M extends Method>(method: M, params: Params<M>) => {
    const result = await service.call(method, params);
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value as Results[M];
  };
  const figures: Figure[] = [];
  const typicalAt = (i: number) => chats.typical[i % chats.typical.length]!;

  t.log('service: chat list, open, page back, search');
  const bareChats = raw.prepare('SELECT * FROM chats WHERE archived = 0 ORDER BY pinned DESC, last_activity_at DESC, id DESC LIMIT 200');
  figures.push(t.msFigure('service: chat list (listChats 200)', await timeAsync(t.runs, t.warmup, () => call('listChats', { limit: 200 })), t.time(t.runs, () => bareChats.all())));

  const bareNewest = raw.prepare('SELECT * FROM messages WHERE chat_id = ? ORDER BY sent_at DESC, id DESC LIMIT 50');
  figures.push(t.msFigure('service: open big chat (openChat, last 50)', await timeAsync(t.runs, t.warmup, () => call('openChat', { chatId: chats.big })), t.time(t.runs, () => bareNewest.all(chats.big))));
  figures.push(t.msFigure('service: open typical chat (openChat, last 50)', await timeAsync(t.runs, t.warmup, (i) => call('openChat', { chatId: typicalAt(i) })), t.time(t.runs, (i) => bareNewest.all(typicalAt(i)))));

  const cursors: TimelineCursor[] = [];
  let cursor = (await call('openChat', { chatId: chats.big })).page.olderCursor;
  while (cursor && cursors.length < t.runs + t.warmup) {
    cursors.push(cursor);
    cursor = (await call('loadOlder', { chatId: chats.big, before: cursor })).olderCursor;
  }
  const cursorAt = (i: number) => cursors[i % cursors.length]!;
  const bareBefore = raw.prepare('SELECT * FROM messages WHERE chat_id = ? AND (sent_at, id) < (?, ?) ORDER BY sent_at DESC, id DESC LIMIT 50');
  figures.push(
    t.msFigure(
      'service: page back in big chat (loadOlder, 50)',
      await timeAsync(t.runs, t.warmup, (i) => call('loadOlder', { chatId: chats.big, before: cursorAt(i) })),
      t.time(t.runs, (i) => bareBefore.all(chats.big, cursorAt(i).sentAt, cursorAt(i).id)),
    ),
  );
  await call('closeChat', {});

  const bareSearch = raw.prepare(
    `SELECT m.*, c.title FROM messages m JOIN chats c ON c.id = m.chat_id
     WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 50)`,
  );
  for (const [label, word] of [['common', COMMON_WORD], ['rare', RARE_WORD]] as const) {
    figures.push(
      t.msFigure(
        `service: search ${label} word "${word}" (search, 50 newest)`,
        await timeAsync(t.runs, t.warmup, () => call('search', { query: word, limit: 50 })),
        t.time(t.runs, () => bareSearch.all(`"${word}"`)),
      ),
    );
  }

  t.log('service: ingest through adapter message events');
  const addresses = raw.prepare('SELECT id, address FROM chats').all() as Array<{ id: number; address: string }>;
  const random = rng(3);
  const body = bodyMaker(random);
  let clock = Date.now() + 86_400_000;
  let serial = 0;
  const burst = (): IncomingMessage[] =>
    Array.from({ length: t.ingest }, () => {
      const chat = addresses[Math.floor(random() * addresses.length)]!;
      clock += 50;
      return { chat: chat.address, networkId: `svc-burst-${serial++}`, sender: chat.address, fromMe: false, body: body(), sentAt: clock, historical: false };
    });
  const bareInsert = raw.prepare(
    `INSERT INTO messages (chat_id, account_id, network_id, sender, from_me, body, sent_at, status) VALUES (?, ?, ?, ?, 0, ?, ?, 'received')`,
  );
  const idOf = new Map(addresses.map((a) => [a.address, a.id]));
  const bareIndex = raw.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
  const bareBatch = raw.transaction((items: IncomingMessage[]) => {
    for (const m of items) {
      bareIndex.run(bareInsert.run(idOf.get(m.chat), ACCOUNT_ID, m.networkId, m.sender, m.body, m.sentAt).lastInsertRowid, m.body);
    }
  });
  const rates: number[] = [];
  const bareRates: number[] = [];
  for (let run = 0; run < t.ingestRuns; run++) {
    let items = burst();
    let t0 = performance.now();
    for (const message of items) service.injectAdapterEvent(ACCOUNT_ID, { type: 'message', message });
    service.flushIncoming();
    rates.push(items.length / ((performance.now() - t0) / 1000));
    items = burst();
    t0 = performance.now();
    for (let i = 0; i < items.length; i += 1_000) bareBatch(items.slice(i, i + 1_000));
    bareRates.push(items.length / ((performance.now() - t0) / 1000));
    t.log(`  run ${run + 1}: service ${Math.round(rates[run]!)} msg/s, bare ${Math.round(bareRates[run]!)} msg/s`);
  }
  rates.sort((a, b) => b - a);
  bareRates.sort((a, b) => b - a);
  const median = t.quantile(rates, 0.5);
  const bareMedian = t.quantile(bareRates, 0.5);
  figures.push({
    name: `service: ingest burst (${t.ingest.toLocaleString('en')} adapter message events)`,
    unit: 'msg/s',
    median: Math.round(median),
    p99: Math.round(t.quantile(rates, 0.99)),
    baselineMedian: Math.round(bareMedian),
    ratio: t.round(bareMedian / median, 2),
  });
  await service.stop();
  return figures;
}
