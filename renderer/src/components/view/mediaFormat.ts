// Sizes, times and boxes as the media views show them. Pure, so the unit tests pin them down.
import type { AttachmentView, TransferView } from '../../../../electron/api/contract';

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** "812 B", "1.2 KB", "34 MB": binary steps, the same as the limits the core names. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "0:05", "12:34", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

// The thumbnail comes from the sender: only plain base64 goes into a data: URL, so nothing else
// can ride along in the attribute (and an <img> runs no script whatever the bytes are).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function thumbnailUrl(thumbnail: string | null): string | null {
  return thumbnail !== null && BASE64.test(thumbnail) ? `data:image/jpeg;base64,${thumbnail}` : null;
}

export interface Box {
  width: number;
  height: number;
}

/**
 * The size an image or video takes in the timeline, known before a byte of it loads (from the
 * metadata), so the virtualised list measures the row once and does not jump when it arrives.
 */
export function fitBox(width: number | null, height: number | null, max: Box = { width: 320, height: 320 }): Box {
  if (!width || !height || width <= 0 || height <= 0) return { width: 240, height: 180 };
  const scale = Math.min(1, max.width / width, max.height / height);
  // Very long or tall images still get a box a finger can hit.
  return { width: Math.max(48, Math.round(width * scale)), height: Math.max(48, Math.round(height * scale)) };
}

/** Whole percent moved, 0-100; 0 while the total is unknown. */
export function percent(transfer: TransferView): number {
  if (transfer.total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((transfer.transferred / transfer.total) * 100)));
}

export function isMoving(transfer: TransferView): boolean {
  return transfer.state === 'uploading' || transfer.state === 'downloading';
}

/** "PDF", "ZIP", else the MIME type's subtype: what kind of file this is, in a word. */
export function fileTypeLabel(attachment: Pick<AttachmentView, 'name' | 'mime'>): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(attachment.name)?.[1];
  if (ext) return ext.toUpperCase();
  const sub = attachment.mime.split('/')[1]?.split(';')[0];
  return sub ? sub.toUpperCase() : 'File';
}
