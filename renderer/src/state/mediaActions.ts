// What the media views ask of the core (download, cancel, retry, played, save, open) and how each answer
// lands in the store. Kept apart from actions.ts so media can change without touching the rest.
import { api as installedApi, type Method, type Params, type Result, type Results, type SwitchboardApi } from '../api';
import type { AttachmentView } from '../../../electron/api/contract';
import { applyAttachmentAnswer, markPlayedLocally } from './applyEvent';
import { actions } from './app';
import { type AppStore, store as appStore } from './store';

export interface MediaActionDeps {
  api: () => SwitchboardApi;
  store: AppStore;
  /** Shows a failure to the user (the app's global alert). */
  reportError: (message: string) => void;
}

/** The requests that answer with the attachment as it is now. */
type AttachmentMethod = Extract<Method, 'downloadAttachment' | 'cancelTransfer' | 'retryTransfer' | 'markPlayed'>;

export function createMediaActions({ api, store, reportError }: MediaActionDeps) {
  /** Attachments the user asked to save before their bytes were here: saved when they arrive. */
  const saveWhenReady = new Set<number>();
  let unwatch: (() => void) | null = null;

  async function settle<T>(promise: () => Promise<Result<T>>): Promise<T | null> {
    let result: Result<T>;
    try {
      result = await promise();
    } catch (err) {
      // The contract says calls never throw; a broken bridge still must not break the UI.
      result = { ok: false, error: { code: 'internal', message: String(err) } };
    }
    if (result.ok) return result.value;
    reportError(result.error.message);
    return null;
  }

  /** True when the core answered with the attachment (now in the store). */
  async function attachmentCall<M extends AttachmentMethod>(method: M, params: Params<M>): Promise<boolean> {
    const answer: Results[M] | null = await settle(() => api().call(method, params));
    if (answer) land(answer);
    return answer !== null;
  }

  function land(answer: AttachmentView): void {
    const patch = applyAttachmentAnswer(store.getState(), answer);
    if (patch) store.setState(patch);
  }

  function findLoaded(attachmentId: number): AttachmentView | undefined {
    for (const message of store.getState().timeline?.messages ?? []) {
      const found = message.attachments.find((a) => a.id === attachmentId);
      if (found) return found;
    }
    return undefined;
  }

  async function save(attachmentId: number): Promise<void> {
    const answer = await settle(() => api().saveAttachment(attachmentId));
    // { saved: false } is the user closing the save dialog: nothing to say.
    void answer;
  }

  /** Saves the waiting attachments whose bytes arrived; forgets those that failed or left the view. */
  function checkWaitingSaves(): void {
    for (const id of saveWhenReady) {
      const attachment = findLoaded(id);
      if (attachment?.available) {
        saveWhenReady.delete(id);
        void save(id);
      } else if (!attachment || attachment.transfer.state === 'failed' || attachment.transfer.state === 'cancelled') {
        saveWhenReady.delete(id);
      }
    }
    if (saveWhenReady.size === 0 && unwatch) {
      unwatch();
      unwatch = null;
    }
  }

  return {
    download: (attachmentId: number) => attachmentCall('downloadAttachment', { attachmentId }),
    cancel: (attachmentId: number) => attachmentCall('cancelTransfer', { attachmentId }),
    retry: (attachmentId: number) => attachmentCall('retryTransfer', { attachmentId }),
    /** The dot goes at once; the core hears of it in the background. */
    async markPlayed(messageId: number, attachmentId: number): Promise<void> {
      const patch = markPlayedLocally(store.getState(), messageId, attachmentId);
      if (patch) store.setState(patch);
      await attachmentCall('markPlayed', { attachmentId });
    },
    /**
     * "Save": at once when the bytes are here; otherwise downloads first and saves when they
     * arrive (files are fetched only on a click).
     */
    async save(attachment: AttachmentView): Promise<void> {
      if (attachment.available) return save(attachment.id);
      saveWhenReady.add(attachment.id);
      unwatch ??= store.subscribe(checkWaitingSaves);
      const { state } = attachment.transfer;
      if (state === 'failed' || state === 'cancelled') await attachmentCall('retryTransfer', { attachmentId: attachment.id });
      else if (state !== 'downloading' && state !== 'uploading') await attachmentCall('downloadAttachment', { attachmentId: attachment.id });
      checkWaitingSaves();
    },
    /**
     * "Open", on the user's click: at once when the bytes are here. A file not here yet is fetched
     * and NOT opened when it arrives (nothing received opens on its own): the user clicks again.
     * Answers what the card should say — the refusal of a file that could run, or that it is on
     * its way — or null; other failures go to the app's alert.
     */
    async open(attachment: AttachmentView): Promise<string | null> {
      if (!attachment.available) {
        const { state } = attachment.transfer;
        if (state === 'downloading' || state === 'uploading') return null;
        const method = state === 'failed' || state === 'cancelled' ? 'retryTransfer' : 'downloadAttachment';
        if (!(await attachmentCall(method, { attachmentId: attachment.id }))) return null;
        return `“${attachment.name}” is downloading. Click Open again when it is here.`;
      }
      const answer = await settle(() => api().openAttachment(attachment.id));
      return answer && !answer.opened ? answer.reason : null;
    },
  };
}

export type MediaActions = ReturnType<typeof createMediaActions>;

/** The running app's media actions, bound to window.switchboard and the app's store. */
export const mediaActions = createMediaActions({
  api: installedApi,
  store: appStore,
  reportError: (message) => actions.reportError(message),
});
