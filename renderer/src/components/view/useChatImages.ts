// The open chat's loaded images, oldest first: what the lightbox steps through.
import { useMemo } from 'react';
import type { AttachmentView } from '../../../../electron/api/contract';
import { useApp } from '../../state/store';

export function useChatImages(): AttachmentView[] {
  const messages = useApp((s) => s.timeline?.messages);
  return useMemo(
    () => (messages ?? []).flatMap((m) => (m.deleted ? [] : m.attachments.filter((a) => a.kind === 'image'))),
    [messages],
  );
}
