// The files waiting in the composer: added from the chooser, a drop or a paste (or a recording),
// prepared one at a time in the background (images re-encoded, videos described), then staged and
// sent together. Refusals and failures go to the app's alert; nothing is dropped silently.
import { useCallback, useEffect, useRef, useState } from 'react';
import { decideKind } from '../../media/kind';
import { cleanName } from '../../media/names';
import { prepareFile } from '../../media/prepare';
import type { AttachmentKind, PreparedAttachment } from '../../media/types';
import { actions } from '../../state/app';
import { MAX_FILES_PER_SEND, sendMedia } from '../../state/sendMedia';

/** preparing → ready → (on Send) staging → staged, back to ready if the send fails. */
export type TrayStatus = 'preparing' | 'ready' | 'staging' | 'staged';

export interface TrayItem {
  id: number;
  name: string;
  size: number;
  kind: AttachmentKind;
  status: TrayStatus;
  /** Set once prepared. */
  prepared: PreparedAttachment | null;
}

export interface AttachmentTray {
  items: TrayItem[];
  /** Some file is still being prepared: Send waits. */
  preparing: boolean;
  /** A send is under way: the tray cannot change what is being sent. */
  sending: boolean;
  add(files: readonly File[]): void;
  addPrepared(item: PreparedAttachment): void;
  remove(id: number): void;
  clear(): void;
  /** Stages and sends every file with the caption; true when the core has the messages. */
  send(caption: string): Promise<boolean>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function useAttachmentTray(chatId: number): AttachmentTray {
  const [items, setItems] = useState<TrayItem[]>([]);
  // The same list, current outside render: add() loops and background preparation read it.
  const current = useRef<TrayItem[]>([]);
  const nextId = useRef(1);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const update = useCallback((change: (list: TrayItem[]) => TrayItem[]) => {
    if (!mounted.current) return;
    current.current = change(current.current);
    setItems(current.current);
  }, []);

  const patch = useCallback(
    (id: number, fields: Partial<TrayItem>) => update((list) => list.map((i) => (i.id === id ? { ...i, ...fields } : i))),
    [update],
  );

  const prepareOne = useCallback(
    async (id: number, file: File) => {
      // Removed (or the chat closed) before its turn: skip the work.
      if (!mounted.current || !current.current.some((i) => i.id === id)) return;
      let prepared: PreparedAttachment;
      try {
        prepared = await prepareFile(file);
      } catch (err) {
        if (mounted.current) actions.reportError(`“${cleanName(file.name)}” could not be read: ${errorText(err)}`);
        update((list) => list.filter((i) => i.id !== id));
        return;
      }
      if (!current.current.some((i) => i.id === id)) return;
      // The re-encoded image can differ in size from the file picked.
      const problem = sendMedia.problemFor(chatId, prepared.kind, prepared.blob.size);
      if (problem) {
        actions.reportError(problem);
        update((list) => list.filter((i) => i.id !== id));
        return;
      }
      patch(id, { status: 'ready', prepared, name: prepared.name, size: prepared.blob.size, kind: prepared.kind });
    },
    [chatId, patch, update],
  );

  const admit = useCallback(
    (kind: AttachmentKind, size: number): boolean => {
      if (current.current.length >= MAX_FILES_PER_SEND) {
        actions.reportError(`At most ${MAX_FILES_PER_SEND} files can be sent at once. Send these first, then add more.`);
        return false;
      }
      // Refused before any work: a file over the limit is not worth decoding.
      const problem = sendMedia.problemFor(chatId, kind, size);
      if (problem) actions.reportError(problem);
      return problem === null;
    },
    [chatId],
  );

  const add = useCallback(
    (files: readonly File[]) => {
      for (const file of files) {
        const { kind } = decideKind(file.type);
        if (!admit(kind, file.size)) {
          if (current.current.length >= MAX_FILES_PER_SEND) break;
          continue;
        }
        const id = nextId.current++;
        update((list) => [...list, { id, name: cleanName(file.name), size: file.size, kind, status: 'preparing', prepared: null }]);
        // One at a time: decoding several large photos at once would multiply the memory.
        queue.current = queue.current.then(() => prepareOne(id, file));
      }
    },
    [admit, prepareOne, update],
  );

  const addPrepared = useCallback(
    (prepared: PreparedAttachment) => {
      if (!admit(prepared.kind, prepared.blob.size)) return;
      const id = nextId.current++;
      update((list) => [...list, { id, name: prepared.name, size: prepared.blob.size, kind: prepared.kind, status: 'ready', prepared }]);
    },
    [admit, update],
  );

  const remove = useCallback((id: number) => update((list) => list.filter((i) => i.id !== id)), [update]);
  const clear = useCallback(() => update(() => []), [update]);

  const send = useCallback(
    async (caption: string): Promise<boolean> => {
      const batch = current.current;
      if (batch.length === 0 || batch.some((i) => i.status !== 'ready')) return false;
      const ids = new Set(batch.map((i) => i.id));
      const prepared = batch.flatMap((i) => (i.prepared ? [i.prepared] : []));
      update((list) => list.map((i) => (ids.has(i.id) ? { ...i, status: 'staging' } : i)));
      const ok = await sendMedia.send(chatId, caption, prepared, (index, phase) => {
        const item = batch[index];
        if (item) patch(item.id, { status: phase });
      });
      // Only what was sent leaves the tray: files added meanwhile stay for the next Send.
      if (ok) update((list) => list.filter((i) => !ids.has(i.id)));
      else update((list) => list.map((i) => (ids.has(i.id) ? { ...i, status: 'ready' } : i)));
      return ok;
    },
    [chatId, patch, update],
  );

  return {
    items,
    preparing: items.some((i) => i.status === 'preparing'),
    sending: items.some((i) => i.status === 'staging' || i.status === 'staged'),
    add,
    addPrepared,
    remove,
    clear,
    send,
  };
}
