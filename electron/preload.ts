// The preload exposes exactly the typed API of electron/api/contract.ts as window.switchboard —
// two IPC channels, nothing else. It runs sandboxed; the protocol stack stays in the main process.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CoreEvent, Method, Params, Result, Results, SwitchboardApi } from './api/contract';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipcChannels';

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
};

contextBridge.exposeInMainWorld('switchboard', api);
