// The preload exposes exactly the typed API of electron/api/contract.ts as window.switchboard —
// four IPC channels and the media scheme, nothing else. It runs sandboxed; the protocol stack
// stays in the main process.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CoreEvent, Method, OpenedFile, Params, Result, Results, StagedFile, SwitchboardApi } from './api/contract';
import { CALL_CHANNEL, EVENT_CHANNEL, MEDIA_ORIGIN, OPEN_ATTACHMENT_CHANNEL, SAVE_ATTACHMENT_CHANNEL } from './ipcChannels';

const UNREACHABLE: Result<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'Could not hand the file to Switchboard. Try again.' },
};

const NOT_CLICKED: Result<never> = {
  ok: false,
  error: { code: 'invalid-request', message: 'Files are opened only when you click Open.' },
};

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

const api: SwitchboardApi = {
  platform: 'electron',
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>> {
    return ipcRenderer.invoke(CALL_CHANNEL, method, params) as Promise<Result<Results[M]>>;
  },
  onEvent(listener: (event: CoreEvent) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: CoreEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  async stageFile(file: Blob, name: string): Promise<Result<StagedFile>> {
    try {
      // Untyped bytes: no Content-Type makes the cross-origin POST a simple request (no preflight).
      const body = new Blob([file]);
      const res = await fetch(`${MEDIA_ORIGIN}/media/stage?name=${encodeURIComponent(name)}`, { method: 'POST', body });
      const answer: unknown = await res.json();
      // The core's answer (mediaRoutes.ts) is a Result<StagedFile>; only its `ok` is checked here.
      return isResult(answer) ? (answer as Result<StagedFile>) : UNREACHABLE;
    } catch {
      return UNREACHABLE;
    }
  },
  mediaUrl(attachmentId: number): string {
    return `${MEDIA_ORIGIN}/media/${attachmentId}`;
  },
  saveAttachment(attachmentId: number): Promise<Result<{ saved: boolean }>> {
    return ipcRenderer.invoke(SAVE_ATTACHMENT_CHANNEL, attachmentId) as Promise<Result<{ saved: boolean }>>;
  },
  openAttachment(attachmentId: number): Promise<Result<OpenedFile>> {
    // Opening a received file happens on the user's click, never on its own: without a click in
    // the last few seconds (the page's transient activation, which script cannot fake) main is
    // not asked.
    if (navigator.userActivation && !navigator.userActivation.isActive) return Promise.resolve(NOT_CLICKED);
    return ipcRenderer.invoke(OPEN_ATTACHMENT_CHANNEL, attachmentId) as Promise<Result<OpenedFile>>;
  },
};

contextBridge.exposeInMainWorld('switchboard', api);
