// The outbox on its own, with an adapter whose uploads the test finishes by hand: each chat is a
// lane of its own (an upload holds up only its chat, in order), UPLOADS_AT_ONCE uploads move at a
// time, and an upload waiting for its turn can be cancelled or left queued by a shutdown.
// (The real network is in media.test.ts.)

import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttachmentMeta, OutgoingMessage, ProtocolAdapter, RemoteAttachment, TransferOptions } from '../../protocols/adapter';
import { openStore } from '../store/store';
import type { Store } from '../store/types';
import { EarlyReceipts } from './earlyReceipts';
import { createLogger } from './logger';
import { MediaCache } from './mediaCache';
import { CANCELLED, UPLOADS_AT_ONCE, Uploads } from './mediaUploads';
import { Outbox } from './outbox';
import { useProfileDirs } from './testing/serviceHarness';
import { LiveTransfers } from './transfers';

const newDir = useProfileDirs('sb-outbox-');

interface HeldUpload {
  name: string;
  signal: AbortSignal | undefined;
  finish(): void;
}

/** An online adapter: `send` answers at once and records, `upload` waits for the test. */
function stubAdapter() {
  const uploads: HeldUpload[] = [];
  const sent: { chat: string; body: string; refs: string[] }[] = [];
  const adapter = {
    info: { capabilities: { attachmentLimits: { image: 1e9, voice: 1e9, video: 1e9, file: 1e9 } } },
    state: { kind: 'online' },
    upload(_path: string, meta: AttachmentMeta, options: TransferOptions = {}): Promise<RemoteAttachment> {
      return new Promise((resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        uploads.push({ name: meta.name, signal: options.signal, finish: () => resolve({ ...meta, ref: `https://up/${meta.name}` }) });
      });
    },
    send(chat: string, message: OutgoingMessage) {
      sent.push({ chat, body: message.body, refs: (message.attachments ?? []).map((a) => a.ref) });
      return Promise.resolve({ networkId: `net-${message.clientId}`, sentAt: Date.now() });
    },
  } as unknown as ProtocolAdapter; // a stand-in with only what the outbox and the upload step use
  return { adapter, uploads, sent };
}

let store: Store | undefined;
afterEach(() => store?.close());

async function setup() {
  const dir = newDir();
  store = openStore(join(dir, 'db.sqlite'));
  const s = store;
  s.addAccount({ id: 'acc', network: 'xmpp', address: 'me@example.org', settingsJson: '{}', createdAt: 1 });
  const chatWith = (address: string) =>
    s.upsertChat('acc', { address, title: address, kind: 'direct', inbox: 'native', security: { e2ee: false, protocol: null, endsAt: 'server', label: 'x' } }, 1).id;
  const cache = new MediaCache(dir);
  const transfers = new LiveTransfers(() => undefined);
  const { adapter, uploads: held, sent } = stubAdapter();
  const uploads = new Uploads({ store: s, cache, transfers, log: createLogger({}), onChanged: () => undefined });
  const outbox = new Outbox({ store: s, adapterFor: () => adapter, onUpdated: () => undefined, earlyReceipts: new EarlyReceipts(), uploads, log: createLogger({}) });
  const { hash } = await cache.store(Readable.from([Buffer.from('the bytes of a big film')]), 1e6);
  let n = 0;
  const queueFile = (chatId: number, name: string) => {
    n += 1;
    const row = s.queueOutgoing({ chatId, clientId: `c${n}`, body: '', now: n, attachments: [{ kind: 'video', mime: 'video/mp4', size: 23, name, contentHash: hash }] });
    outbox.kick('acc');
    return row;
  };
  const queueText = (chatId: number, body: string) => {
    n += 1;
    const row = s.queueOutgoing({ chatId, clientId: `c${n}`, body, now: n });
    outbox.kick('acc');
    return row;
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };
  return { store: s, outbox, uploads, transfers, held, sent, chatWith, queueFile, queueText, until };
}

describe('the outbox', () => {
  it("sends other chats' messages while an upload holds its own chat, which keeps its order", async () => {
    const { store, held, sent, chatWith, queueFile, queueText, until, outbox } = await setup();
    const bob = chatWith('bob@example.org');
    const carol = chatWith('carol@example.org');
    const film = queueFile(bob, 'film.mp4');
    await until(() => held.length === 1);
    const after = queueText(bob, 'after the film');
    queueText(carol, 'meanwhile');
    await until(() => sent.length === 1);
    expect(sent).toEqual([{ chat: 'carol@example.org', body: 'meanwhile', refs: [] }]);
    await new Promise((r) => setTimeout(r, 30));
    expect([film, after].map((m) => store.getMessage(m.id)?.status)).toEqual(['queued', 'queued']);

    held[0]!.finish();
    await until(() => sent.length === 3);
    expect(sent.slice(1)).toEqual([
      { chat: 'bob@example.org', body: '', refs: ['https://up/film.mp4'] },
      { chat: 'bob@example.org', body: 'after the film', refs: [] },
    ]);
    await outbox.idle();
    expect(store.listQueued('acc')).toEqual([]);
  });

  it(`moves ${UPLOADS_AT_ONCE} uploads at a time; one waiting for its turn is cancelled without uploading`, async () => {
    const { store, held, sent, chatWith, queueFile, until } = await setup();
    const chats = ['a', 'b', 'c', 'd'].map((x) => chatWith(`${x}@example.org`));
    const [a, b, c, d] = chats.map((chat, i) => queueFile(chat, `f${i}.mp4`));
    await until(() => held.length === UPLOADS_AT_ONCE);
    await new Promise((r) => setTimeout(r, 30));
    expect(held.map((u) => u.name)).toEqual(['f0.mp4', 'f1.mp4']);
    const waiting = store.listAttachments(c!.id)[0]!;
    expect(waiting.transferState).toBe('pending');

    // What cancelTransfer does for an upload that is not moving.
    store.updateTransfer(waiting.id, { state: 'cancelled', error: null });
    store.markFailed(c!.id, CANCELLED);
    held[0]!.finish();
    // c's turn comes and is given up at once: d moves next.
    await until(() => held.length === 3);
    expect(held[2]?.name).toBe('f3.mp4');
    expect(store.getMessage(c!.id)).toMatchObject({ status: 'failed', error: CANCELLED });
    held[1]!.finish();
    held[2]!.finish();
    await until(() => sent.length === 3);
    expect([a, b, c, d].map((m) => store.getMessage(m!.id)?.status)).toEqual(['sent', 'sent', 'failed', 'sent']);
  });

  it('leaves uploads moving or waiting for their turn queued, to go on the next start, when the service stops', async () => {
    const { store, uploads, transfers, held, chatWith, queueFile, until, outbox } = await setup();
    const files = ['a', 'b', 'c'].map((x) => queueFile(chatWith(`${x}@example.org`), `${x}.mp4`));
    await until(() => held.length === UPLOADS_AT_ONCE);
    // Media.stop(): nothing new starts, what moves is aborted.
    uploads.stop();
    transfers.stopAll();
    await outbox.idle();
    expect(held.every((u) => u.signal?.aborted)).toBe(true);
    expect(files.map((m) => store.getMessage(m.id)?.status)).toEqual(['queued', 'queued', 'queued']);
    expect(files.map((m) => store.listAttachments(m.id)[0]?.transferState)).toEqual(['pending', 'pending', 'pending']);
  });
});
