// The one stream of events the core pushes to every UI door (Electron IPC, the host's WebSocket).

import type { CoreEvent } from '../api/contract';

export type CoreListener = (event: CoreEvent) => void;

export class CoreEvents {
  private readonly listeners = new Set<CoreListener>();

  on(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken door (a closed socket) must not stop the others from hearing the event.
      }
    }
  }
}
