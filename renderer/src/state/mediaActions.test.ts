import { describe, expect, it } from 'vitest';
import type { Method, Params, Result, Results, SwitchboardApi } from '../api';
import type { AttachmentView, OpenedFile } from '../../../electron/api/contract';
import { createMediaActions } from './mediaActions';
import { createStore } from 'zustand/vanilla';
import { type AppState, initialState } from './store';
import { attachmentView, messageView } from './testData';
import { windowFromPage } from './timeline';

/** A core that answers each attachment request from `answer`, and records calls and saves. */
function fakeCore(
  answer: (method: Method, attachment: AttachmentView) => Result<AttachmentView>,
  openAnswer: Result<OpenedFile> = { ok: true, value: { opened: true } },
) {
  const calls: string[] = [];
  const saved: number[] = [];
  const opened: number[] = [];
  let current: AttachmentView = attachmentView(7, { messageId: 2, kind: 'file', name: 'doc.pdf', mime: 'application/pdf' });
  const api: SwitchboardApi = {
    platform: 'browser',
    async call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>> {
      calls.push(`${method} ${JSON.stringify(params)}`);
      const result = answer(method, current);
      if (result.ok) current = result.value;
      // Every attachment request answers with an AttachmentView; the test's core only gets those.
      return result as Result<Results[M]>;
    },
    onEvent: () => () => {},
    stageFile: async () => ({ ok: false, error: { code: 'internal', message: 'not here' } }),
    mediaUrl: (id) => `/media/${id}`,
    async saveAttachment(id) {
      saved.push(id);
      return { ok: true, value: { saved: true } };
    },
    async openAttachment(id) {
      opened.push(id);
      return openAnswer;
    },
  };
  const store = createStore<AppState>()(() => ({
    ...initialState(),
    openChatId: 1,
    timeline: windowFromPage(1, { messages: [messageView(2, { attachments: [current] })], olderCursor: null, newerCursor: null }),
  }));
  const errors: string[] = [];
  const media = createMediaActions({ api: () => api, store, reportError: (m) => errors.push(m) });
  const loaded = () => store.getState().timeline?.messages[0]?.attachments[0];
  return { media, store, calls, saved, opened, errors, loaded, attachment: () => current };
}

describe('media actions', () => {
  it('download puts the answer in the timeline', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: { ...a, transfer: { ...a.transfer, state: 'downloading' } } }));
    await core.media.download(7);
    expect(core.calls).toEqual(['downloadAttachment {"attachmentId":7}']);
    expect(core.loaded()?.transfer.state).toBe('downloading');
  });

  it('a failed call shows its error and changes nothing', async () => {
    const core = fakeCore(() => ({ ok: false, error: { code: 'not-found', message: 'That file is gone.' } }));
    const before = core.store.getState().timeline;
    await core.media.cancel(7);
    expect(core.errors).toEqual(['That file is gone.']);
    expect(core.store.getState().timeline).toBe(before);
  });

  it('markPlayed clears the dot before the core answers', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: { ...a, played: true } }));
    const pending = core.media.markPlayed(2, 7);
    expect(core.loaded()?.played).toBe(true);
    await pending;
    expect(core.calls).toEqual(['markPlayed {"attachmentId":7}']);
  });

  it('save on a file not here yet downloads it, then saves it when it arrives', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: { ...a, transfer: { ...a.transfer, state: 'downloading' } } }));
    await core.media.save(core.attachment());
    expect(core.calls).toEqual(['downloadAttachment {"attachmentId":7}']);
    expect(core.saved).toEqual([]);
    // The 'transfer' event that says it is here:
    const tl = core.store.getState().timeline;
    const here = { ...core.attachment(), available: true, transfer: { state: 'done' as const, transferred: 1000, total: 1000, error: null } };
    if (tl) core.store.setState({ timeline: { ...tl, messages: [messageView(2, { attachments: [here] })] } });
    expect(core.saved).toEqual([7]);
    // Only once.
    core.store.setState({ timeline: tl });
    core.store.setState({ timeline: { ...tl!, messages: [messageView(2, { attachments: [here] })] } });
    expect(core.saved).toEqual([7]);
  });

  it('save on a file that is here saves at once; a failed one is retried first', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: a }));
    await core.media.save({ ...core.attachment(), available: true });
    expect(core.saved).toEqual([7]);
    expect(core.calls).toEqual([]);
    await core.media.save({ ...core.attachment(), transfer: { state: 'failed', transferred: 0, total: 1000, error: 'x' } });
    expect(core.calls).toEqual(['retryTransfer {"attachmentId":7}']);
  });

  it('open on a file that is here opens it at once and has nothing to say', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: a }));
    expect(await core.media.open({ ...core.attachment(), available: true })).toBeNull();
    expect(core.opened).toEqual([7]);
    expect(core.calls).toEqual([]);
    expect(core.errors).toEqual([]);
  });

  it('a refused open answers the reason for the card, not the app alert', async () => {
    const reason = 'Switchboard does not open “setup.exe”: files of this kind can run programs or change your computer. If you trust it, save it and open it yourself.';
    const core = fakeCore((_m, a) => ({ ok: true, value: a }), { ok: true, value: { opened: false, reason } });
    expect(await core.media.open({ ...core.attachment(), available: true })).toBe(reason);
    expect(core.errors).toEqual([]);
  });

  it('a failed open goes to the app alert', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: a }), { ok: false, error: { code: 'unavailable', message: 'No app on this computer could open “a.xyz”.' } });
    expect(await core.media.open({ ...core.attachment(), available: true })).toBeNull();
    expect(core.errors).toEqual(['No app on this computer could open “a.xyz”.']);
  });

  it('open on a file not here only fetches it: it is not opened when it arrives', async () => {
    const core = fakeCore((_m, a) => ({ ok: true, value: { ...a, transfer: { ...a.transfer, state: 'downloading' } } }));
    expect(await core.media.open(core.attachment())).toBe('“doc.pdf” is downloading. Click Open again when it is here.');
    expect(core.calls).toEqual(['downloadAttachment {"attachmentId":7}']);
    const tl = core.store.getState().timeline;
    const here = { ...core.attachment(), available: true, transfer: { state: 'done' as const, transferred: 1000, total: 1000, error: null } };
    if (tl) core.store.setState({ timeline: { ...tl, messages: [messageView(2, { attachments: [here] })] } });
    expect(core.opened).toEqual([]);
    // A failed one is retried; one already moving is left alone; a refused fetch says nothing.
    await core.media.open({ ...core.attachment(), available: false, transfer: { state: 'failed', transferred: 0, total: 1000, error: 'x' } });
    expect(core.calls.at(-1)).toBe('retryTransfer {"attachmentId":7}');
    const before = core.calls.length;
    expect(await core.media.open({ ...core.attachment(), available: false, transfer: { state: 'downloading', transferred: 1, total: 1000, error: null } })).toBeNull();
    expect(core.calls.length).toBe(before);
    const gone = fakeCore(() => ({ ok: false, error: { code: 'not-found', message: 'That file no longer exists.' } }));
    expect(await gone.media.open(gone.attachment())).toBeNull();
    expect(gone.errors).toEqual(['That file no longer exists.']);
    expect(core.opened).toEqual([]);
  });
});
