import { describe, expect, it } from 'vitest';
import type { Method, Params, Result, Results, SwitchboardApi } from '../api';
import type { AttachmentView } from '../../../electron/api/contract';
import { createMediaActions } from './mediaActions';
import { createStore } from 'zustand/vanilla';
import { type AppState, initialState } from './store';
import { attachmentView, messageView } from './testData';
import { windowFromPage } from './timeline';

/** A core that answers each attachment request from `answer`, and records calls and saves. */
function fakeCore(answer: (method: Method, attachment: AttachmentView) => Result<AttachmentView>) {
  const calls: string[] = [];
  const saved: number[] = [];
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
  };
  const store = createStore<AppState>()(() => ({
    ...initialState(),
    openChatId: 1,
    timeline: windowFromPage(1, { messages: [messageView(2, { attachments: [current] })], olderCursor: null, newerCursor: null }),
  }));
  const errors: string[] = [];
  const media = createMediaActions({ api: () => api, store, reportError: (m) => errors.push(m) });
  const loaded = () => store.getState().timeline?.messages[0]?.attachments[0];
  return { media, store, calls, saved, errors, loaded, attachment: () => current };
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
});
