// Sending files from the composer: limits before staging, staging once, one request, errors shown.
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { AccountView, Method, Params, Result, Results, SwitchboardApi } from '../api';
import type { StagedFile } from '../../../electron/api/contract';
import type { PreparedAttachment } from '../media/types';
import { createSendMedia } from './sendMedia';
import { type AppState, initialState } from './store';
import { chatView, messageView } from './testData';
import { windowFromPage } from './timeline';

const MiB = 1024 * 1024;
const hex = (n: number) => n.toString(16).padStart(64, '0');

function account(patch: Partial<AccountView> = {}): AccountView {
  return {
    id: 'acc-1',
    network: 'xmpp',
    networkName: 'XMPP',
    address: 'alice@example.org',
    host: null,
    port: null,
    state: { kind: 'online' },
    ownAddress: null,
    attachmentLimits: { image: 100 * MiB, voice: 100 * MiB, video: 100 * MiB, file: 100 * MiB },
    ...patch,
  } as AccountView;
}

function prepared(name: string, size: number, patch: Partial<PreparedAttachment> = {}): PreparedAttachment {
  // A Blob-like object: only `size` is read before staging, and staging is faked.
  const blob = { size, type: 'application/pdf' } as Blob;
  return { blob, name, mime: 'application/pdf', kind: 'file', ...patch };
}

function setup(options: { stage?: (name: string) => Result<StagedFile>; answer?: Result<Results['sendAttachments']>; limits?: AccountView['attachmentLimits'] } = {}) {
  const store = createStore<AppState>()(() => ({
    ...initialState(),
    accounts: { 'acc-1': account(options.limits === undefined ? {} : { attachmentLimits: options.limits }) },
    chats: { 1: chatView(1) },
    openChatId: 1,
    timeline: windowFromPage(1, { messages: [messageView(1)], olderCursor: null, newerCursor: null }),
  }));
  const staged: string[] = [];
  const calls: Array<{ method: Method; params: unknown }> = [];
  const errors: string[] = [];
  let n = 0;
  const api = {
    platform: 'browser',
    async stageFile(_blob: Blob, name: string) {
      staged.push(name);
      return options.stage ? options.stage(name) : { ok: true, value: { stagedId: hex(++n), size: 1 } };
    },
    async call<M extends Method>(method: M, params: Params<M>) {
      calls.push({ method, params });
      return (options.answer ?? { ok: true, value: [messageView(50, { chatId: 1, fromMe: true, sentAt: 99_000 })] }) as Result<Results[M]>;
    },
    onEvent: () => () => {},
    mediaUrl: (id: number) => `media/${id}`,
    saveAttachment: async () => ({ ok: true, value: { saved: true } }),
    openAttachment: async () => ({ ok: true, value: { opened: true } }),
  } as SwitchboardApi;
  const media = createSendMedia({ api: () => api, store, reportError: (m) => errors.push(m) });
  return { store, staged, calls, errors, media };
}

describe('sending files', () => {
  it('stages each file, then sends them in one request with the caption, and shows the messages', async () => {
    const { store, staged, calls, errors, media } = setup();
    const progress: string[] = [];
    const image = prepared('a.jpg', 1000, { kind: 'image', mime: 'image/jpeg', width: 640, height: 480, thumbnail: 'AAAA' });
    const ok = await media.send(1, 'look', [image, prepared('b.pdf', 2000)], (i, phase) => progress.push(`${i}:${phase}`));
    expect(ok).toBe(true);
    expect(errors).toEqual([]);
    expect(staged).toEqual(['a.jpg', 'b.pdf']);
    expect(progress).toEqual(['0:staging', '0:staged', '1:staging', '1:staged']);
    expect(calls).toEqual([
      {
        method: 'sendAttachments',
        params: {
          chatId: 1,
          caption: 'look',
          items: [
            { stagedId: hex(1), kind: 'image', name: 'a.jpg', mime: 'image/jpeg', width: 640, height: 480, thumbnail: 'AAAA' },
            { stagedId: hex(2), kind: 'file', name: 'b.pdf', mime: 'application/pdf' },
          ],
        },
      },
    ]);
    expect(store.getState().timeline?.messages.map((m) => m.id)).toEqual([1, 50]);
  });

  it('leaves a blank caption out', async () => {
    const { calls, media } = setup();
    await media.send(1, '  \n', [prepared('b.pdf', 10)]);
    expect(calls[0]?.params).not.toHaveProperty('caption');
  });

  it('refuses a file over the limit before staging anything, naming the limit', async () => {
    const { staged, calls, errors, media } = setup();
    const ok = await media.send(1, '', [prepared('small.pdf', 10), prepared('movie.mp4', 140 * MiB, { kind: 'video' })]);
    expect(ok).toBe(false);
    expect(staged).toEqual([]);
    expect(calls).toEqual([]);
    expect(errors).toEqual(['Videos on XMPP can be at most 100 MB; this one is 140 MB.']);
  });

  it('says the account cannot send files yet when it has no limits', async () => {
    const { staged, errors, media } = setup({ limits: null });
    expect(await media.send(1, '', [prepared('b.pdf', 10)])).toBe(false);
    expect(staged).toEqual([]);
    expect(errors[0]).toMatch(/cannot send files yet/);
  });

  it('shows a staging failure and sends nothing', async () => {
    const { calls, errors, media } = setup({ stage: () => ({ ok: false, error: { code: 'too-large', message: 'The disk is full.' } }) });
    expect(await media.send(1, '', [prepared('b.pdf', 10)])).toBe(false);
    expect(calls).toEqual([]);
    expect(errors).toEqual(['“b.pdf” could not be prepared for sending: The disk is full.']);
  });

  it('shows the core’s refusal, and does not stage the same file again on retry', async () => {
    const { staged, errors, media } = setup({ answer: { ok: false, error: { code: 'unavailable', message: 'The account is offline.' } } });
    const item = prepared('b.pdf', 10);
    expect(await media.send(1, '', [item])).toBe(false);
    expect(await media.send(1, '', [item])).toBe(false);
    expect(errors).toEqual(['The account is offline.', 'The account is offline.']);
    expect(staged).toEqual(['b.pdf']);
  });

  it('refuses more than ten files at once', async () => {
    const { staged, errors, media } = setup();
    const items = Array.from({ length: 11 }, (_, i) => prepared(`${i}.pdf`, 1));
    expect(await media.send(1, '', items)).toBe(false);
    expect(staged).toEqual([]);
    expect(errors).toEqual(['At most 10 files can be sent at once.']);
  });
});
