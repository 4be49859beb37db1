// Sending files: every prepared attachment is checked against its account's limits, staged into
// the core's media cache, then sent with one request (the core makes one message per file, the
// caption going with the first). Kept apart from actions.ts so media can change without touching
// the rest; the processing of files (images, video, voice) is in ../media.
import { api as installedApi, type SwitchboardApi } from '../api';
import type { Params, StagedFile } from '../../../electron/api/contract';
import { limitProblem } from '../media/limits';
import type { AttachmentKind, PreparedAttachment } from '../media/types';
import { actions } from './app';
import { type AppStore, store as appStore } from './store';
import { upsertMessage } from './timeline';

export interface SendMediaDeps {
  api: () => SwitchboardApi;
  store: AppStore;
  /** Shows a failure to the user (the app's global alert). */
  reportError: (message: string) => void;
}

/** The core takes at most this many files in one request (the contract's cap). */
export const MAX_FILES_PER_SEND = 10;

/** Where sending one file is: being staged (the tray says "Preparing…"), or staged. */
export type StageProgress = (index: number, phase: 'staging' | 'staged') => void;

type OutgoingItem = Params<'sendAttachments'>['items'][number];

/** The request's description of a file: only the fields that have a value. */
export function outgoingItem(item: PreparedAttachment, stagedId: string): OutgoingItem {
  const out: OutgoingItem = { stagedId, kind: item.kind, name: item.name, mime: item.mime };
  if (item.width !== undefined) out.width = item.width;
  if (item.height !== undefined) out.height = item.height;
  if (item.durationMs !== undefined) out.durationMs = item.durationMs;
  if (item.waveform !== undefined) out.waveform = item.waveform;
  if (item.thumbnail !== undefined) out.thumbnail = item.thumbnail;
  return out;
}

export function createSendMedia({ api, store, reportError }: SendMediaDeps) {
  /**
   * Staged bytes by blob: sending again after a failure does not stream the same file twice. Weak,
   * so a discarded tray frees its files.
   */
  const staged = new WeakMap<Blob, StagedFile>();

  /** Why this chat's account cannot send this file, in words; null when it can. */
  function problemFor(chatId: number, kind: AttachmentKind, size: number): string | null {
    const { chats, accounts } = store.getState();
    const chat = chats[chatId];
    if (!chat) return 'This chat is gone, so nothing can be sent to it.';
    return limitProblem(accounts[chat.accountId], kind, size);
  }

  async function stage(item: PreparedAttachment): Promise<StagedFile | null> {
    const known = staged.get(item.blob);
    if (known) return known;
    let message: string;
    try {
      const result = await api().stageFile(item.blob, item.name);
      if (result.ok) {
        staged.set(item.blob, result.value);
        return result.value;
      }
      message = result.error.message;
    } catch (err) {
      // The contract says the bridge never throws; a broken one must still not lose the error.
      message = String(err);
    }
    reportError(`“${item.name}” could not be prepared for sending: ${message}`);
    return null;
  }

  /**
   * Sends the files with the caption. Returns true once the core has the messages (they upload
   * from its outbox after that); on false the error is already shown and nothing was sent.
   */
  async function send(chatId: number, caption: string, items: readonly PreparedAttachment[], onProgress?: StageProgress): Promise<boolean> {
    if (items.length === 0) return false;
    if (items.length > MAX_FILES_PER_SEND) {
      reportError(`At most ${MAX_FILES_PER_SEND} files can be sent at once.`);
      return false;
    }
    // Every file is checked before any is staged: limits can change while a tray waits (an
    // account going offline has none).
    for (const item of items) {
      const problem = problemFor(chatId, item.kind, item.blob.size);
      if (problem) {
        reportError(problem);
        return false;
      }
    }
    const out: OutgoingItem[] = [];
    for (const [index, item] of items.entries()) {
      onProgress?.(index, 'staging');
      const file = await stage(item);
      if (!file) return false;
      onProgress?.(index, 'staged');
      out.push(outgoingItem(item, file.stagedId));
    }
    const params: Params<'sendAttachments'> = { chatId, items: out };
    if (caption.trim() !== '') params.caption = caption;
    let messages;
    try {
      const result = await api().call('sendAttachments', params);
      if (!result.ok) {
        reportError(result.error.message);
        return false;
      }
      messages = result.value;
    } catch (err) {
      reportError(String(err));
      return false;
    }
    const tl = store.getState().timeline;
    // Like a text send: shown at once when the window reaches the newest message; otherwise the
    // core's message events bring them when the user jumps there.
    if (tl && tl.chatId === chatId && tl.newerCursor === null) {
      store.setState({ timeline: { ...tl, messages: messages.reduce(upsertMessage, tl.messages) } });
    }
    return true;
  }

  return { problemFor, send };
}

export type SendMedia = ReturnType<typeof createSendMedia>;

/** The running app's instance, bound to window.switchboard and the app's store and alert. */
export const sendMedia = createSendMedia({ api: installedApi, store: appStore, reportError: (m) => actions.reportError(m) });
