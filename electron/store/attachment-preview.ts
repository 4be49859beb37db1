// What the chat list says for a message with a file: "Photo", "Voice message (0:12)", "Video",
// "File: name.pdf", followed by " · caption" when there is one. The label comes from the first
// attachment, looked up only for messages that have one (attachment_count > 0).
import type { Database } from 'better-sqlite3';
import type { AttachmentKind } from '../../protocols/adapter';
import { previewOf, type RawMessage } from './rows';

/** m:ss (or h:mm:ss), as a voice message's length reads in the chat list. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function attachmentLabel(kind: AttachmentKind, name: string, durationMs: number | null): string {
  switch (kind) {
    case 'image':
      return 'Photo';
    case 'voice':
      return durationMs === null ? 'Voice message' : `Voice message (${formatDuration(durationMs)})`;
    case 'video':
      return 'Video';
    case 'file':
      return `File: ${name}`;
  }
}

/** The preview line of a message with an attachment: the label, then the caption if any. */
export function attachmentPreview(label: string, caption: string): string {
  return previewOf(caption.trim() === '' ? label : `${label} · ${caption}`);
}

/** A preview function for chat rows that knows about attachments; plain text costs nothing extra. */
export function messagePreviews(db: Database): (m: RawMessage) => string {
  const first = db.prepare<[number], { kind: AttachmentKind; name: string; duration_ms: number | null }>(
    'SELECT kind, name, duration_ms FROM attachments WHERE message_id = ? ORDER BY ordinal LIMIT 1',
  );
  return (m) => {
    if (!m.attachment_count) return previewOf(m.body);
    const a = first.get(m.id);
    return a ? attachmentPreview(attachmentLabel(a.kind, a.name, a.duration_ms), m.body) : previewOf(m.body);
  };
}
