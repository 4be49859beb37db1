// What the composer hands to sending: one file, processed and described, not yet staged.
import type { AttachmentKind } from '../../../electron/api/contract';

export type { AttachmentKind };

export interface PreparedAttachment {
  /** The bytes that will be staged: a re-encoded image, a cleaned GIF, or the file as picked. */
  blob: Blob;
  name: string;
  mime: string;
  kind: AttachmentKind;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Voice: 64 loudness peaks, 0-255. */
  waveform?: number[];
  /** A JPEG preview, base64 without a data: prefix, at most 16 KiB of bytes. */
  thumbnail?: string;
  /** Said in the tray when a file goes differently than its type suggests (an image sent as a file). */
  note?: string;
}
