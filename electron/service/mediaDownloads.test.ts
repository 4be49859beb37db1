// The download queue on its own, with an adapter whose downloads the test finishes by hand: two at
// a time, Cancel (waiting or moving), a quick Retry after Cancel, failures in words, and shutdown
// leaving the rest to resume. (The real network is in media.test.ts.)

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentError, type ProtocolAdapter, type RemoteAttachment, type TransferOptions } from '../../protocols/adapter';
import type { CoreEvent } from '../api/contract';
import { openStore } from '../store/store';
import type { Store } from '../store/types';
import { createLogger } from './logger';
import { MediaCache } from './mediaCache';
import { Downloads, DOWNLOADS_AT_ONCE } from './mediaDownloads';
import { useProfileDirs } from './testing/serviceHarness';
import { LiveTransfers } from './transfers';

const newDir = useProfileDirs('sb-downloads-');

interface Pending {
  ref: string;
  dest: string;
  options: TransferOptions;
  finish(bytes?: string): Promise<void>;
  fail(err: Error): void;
}

/** Only `download` matters here; it waits until the test finishes or fails it. */
function stubAdapter() {
  const pending: Pending[] = [];
  const adapter = {
    download(attachment: RemoteAttachment, dest: string, options: TransferOptions = {}): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new AttachmentError('aborted', 'The download was cancelled.')));
        pending.push({
          ref: attachment.ref,
          dest,
          options,
          finish: async (bytes = `bytes of ${attachment.ref}`) => {
            options.onProgress?.(bytes.length, bytes.length);
            await writeFile(dest, bytes);
            resolve();
          },
          fail: reject,
        });
      });
    },
  } as unknown as ProtocolAdapter; // a stand-in with only the method the queue calls
  return { adapter, pending };
}

let store: Store | undefined;
afterEach(() => store?.close());

function setup() {
  const dir = newDir();
  store = openStore(join(dir, 'db.sqlite'));
  store.addAccount({ id: 'acc', network: 'xmpp', address: 'me@example.org', settingsJson: '{}', createdAt: 1 });
  const chat = store.upsertChat('acc', { address: 'bob@example.org', title: 'Bob', kind: 'direct', inbox: 'native', security: { e2ee: false, protocol: null, endsAt: 'server', label: 'x' } }, 1);
  const events: CoreEvent[] = [];
  const transfers = new LiveTransfers((e) => events.push(e));
  const { adapter, pending } = stubAdapter();
  const s = store;
  const downloads = new Downloads({
    store: s,
    cache: new MediaCache(dir),
    transfers,
    log: createLogger({}),
    adapterFor: () => adapter,
    whyNoAdapter: () => 'not running',
    onChanged: () => undefined,
  });
  let n = 0;
  const received = (): number => {
    n += 1;
    const row = s.insertIncoming('acc', chat.id, {
      chat: 'bob@example.org', networkId: `n${n}`, sender: 'bob@example.org', fromMe: false, body: '', sentAt: n, historical: false,
      attachments: [{ kind: 'file', mime: 'application/pdf', size: 20, name: `f${n}.pdf`, ref: `ref-${n}` }],
    });
    return s.listAttachments(row!.id)[0]!.id;
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  };
  return { store: s, downloads, pending, received, transfers, events, until };
}

describe('the download queue', () => {
  it('moves two at a time, in order, and puts each finished file in the cache', async () => {
    const { store, downloads, pending, received, until } = setup();
    const ids = [received(), received(), received()];
    for (const id of ids) expect(downloads.request(id)?.transferState).toBe('downloading');
    await until(() => pending.length === DOWNLOADS_AT_ONCE);
    expect(pending.map((p) => p.ref)).toEqual(['ref-1', 'ref-2']);
    await pending[0]!.finish();
    await until(() => pending.length === 3);
    expect(pending[2]?.ref).toBe('ref-3');
    await until(() => store.getAttachment(ids[0]!)?.transferState === 'done');
    expect(store.getAttachment(ids[0]!)).toMatchObject({ transferState: 'done', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Asking again for one that is here or moving changes nothing.
    expect(downloads.request(ids[0]!)?.transferState).toBe('done');
    downloads.request(ids[1]!);
    expect(pending).toHaveLength(3);
  });

  it("starts the user's downloads at once, whatever the automatic ones are doing, and before those waiting", async () => {
    const { store, downloads, pending, received, until } = setup();
    const auto = [received(), received(), received(), received()];
    for (const id of auto) downloads.request(id, 'auto');
    await until(() => pending.length === DOWNLOADS_AT_ONCE);
    expect(pending.map((p) => p.ref)).toEqual(['ref-1', 'ref-2']);
    // Two automatic downloads hold the slots: a click does not wait for either.
    const clicked = received();
    expect(downloads.request(clicked, 'user')?.transferState).toBe('downloading');
    await until(() => pending.length === 3);
    expect(pending[2]?.ref).toBe('ref-5');
    // A second click, and a click on one the app had queued (ref-4): they move too.
    const second = received();
    downloads.request(second, 'user');
    downloads.request(auto[3]!, 'user');
    await until(() => pending.length === 4);
    expect(pending[3]?.ref).toBe('ref-6');
    // The user's own slots are full now: ref-4 waits, but ahead of ref-3, which the app queued first.
    await pending[0]!.finish();
    await until(() => store.getAttachment(auto[0]!)?.transferState === 'done');
    await new Promise((r) => setTimeout(r, 20));
    expect(pending).toHaveLength(4);
    await pending[2]!.finish();
    await until(() => pending.length === 5);
    expect(pending[4]?.ref).toBe('ref-4');
    // Automatic ones start only while fewer than two move in all.
    await pending[1]!.finish();
    await pending[3]!.finish();
    await until(() => pending.length === 6);
    expect(pending[5]?.ref).toBe('ref-3');
  });

  it('cancels a waiting download at once and a moving one through its signal; Retry right after starts it again', async () => {
    const { store, downloads, pending, received, until } = setup();
    const [a, b, c] = [received(), received(), received()];
    downloads.request(a);
    downloads.request(b);
    downloads.request(c);
    await until(() => pending.length === 2);
    expect(downloads.cancel(c)).toBe(true);
    expect(store.getAttachment(c)?.transferState).toBe('cancelled');

    expect(downloads.cancel(a)).toBe(true);
    expect(pending[0]?.options.signal?.aborted).toBe(true);
    downloads.request(a); // the user's Retry, before the cancelled attempt has let go
    await until(() => pending.length === 3);
    expect(pending[2]?.ref).toBe('ref-1');
    expect(store.getAttachment(a)?.transferState).toBe('downloading');
  });

  it("says why a download failed, in the adapter's words", async () => {
    const { store, downloads, pending, received, until } = setup();
    const id = received();
    downloads.request(id);
    await until(() => pending.length === 1);
    pending[0]!.fail(new AttachmentError('integrity', 'This file was changed after it was sent, so it was not saved.'));
    await until(() => store.getAttachment(id)?.transferState === 'failed');
    expect(store.getAttachment(id)?.error).toBe('This file was changed after it was sent, so it was not saved.');
  });

  it('on shutdown leaves what moved or waited as downloading, for the next start to resume', async () => {
    const { store, downloads, pending, received, transfers, until } = setup();
    const ids = [received(), received(), received()];
    for (const id of ids) downloads.request(id);
    await until(() => pending.length === 2);
    transfers.stopAll();
    await downloads.stop();
    expect(ids.map((id) => store.getAttachment(id)?.transferState)).toEqual(['downloading', 'downloading', 'downloading']);
    expect(store.takeInterruptedTransfers().map((r) => r.id)).toEqual(ids);
  });
});

describe('transfer progress', () => {
  it('reaches the UI at most every 250 ms, but always the first and the last report', () => {
    let now = 0;
    const events: CoreEvent[] = [];
    const transfers = new LiveTransfers((e) => events.push(e), () => now);
    const handle = transfers.begin({ attachmentId: 1, messageId: 2, chatId: 3 }, 'uploading');
    for (let sent = 0; sent <= 100; sent += 10) {
      handle.onProgress(sent, 100);
      now += 60;
    }
    const seen = events.map((e) => (e.type === 'transfer' ? e.transfer.transferred : -1));
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(100);
    expect(seen.length).toBeLessThanOrEqual(5);
    expect(events[0]).toEqual({ type: 'transfer', chatId: 3, messageId: 2, attachmentId: 1, transfer: { state: 'uploading', transferred: 0, total: 100, error: null } });
  });

  it('is throttled as well when the total is unknown (0)', () => {
    let now = 0;
    const events: CoreEvent[] = [];
    const transfers = new LiveTransfers((e) => events.push(e), () => now);
    const handle = transfers.begin({ attachmentId: 1, messageId: 2, chatId: 3 }, 'downloading');
    // A download without a declared size reports every chunk: 100 of them within a second.
    for (let got = 0; got < 100 * 65_536; got += 65_536) {
      handle.onProgress(got, 0);
      now += 10;
    }
    const seen = events.map((e) => (e.type === 'transfer' ? e.transfer.transferred : -1));
    expect(seen[0]).toBe(0);
    expect(seen.length).toBeLessThanOrEqual(5);
  });
});
