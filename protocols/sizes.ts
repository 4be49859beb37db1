// File sizes and limits in words, for every network's adapter and for the service: one wording, so
// a refusal reads the same wherever it is caught. The renderer, which imports no code from here,
// keeps a copy (renderer/src/media/format.ts) that its tests hold to the same examples.
import type { AttachmentKind } from './adapter.js';
const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * No download is larger, on any network, whatever the sender announces: the media cache stages at
 * most 2 GiB too (media-design.md), and a claimed size is all that would otherwise bound a hostile
 * server's stream. XMPP refuses a larger claimed size before any request (xmpp/file-transfer.ts),
 * interop a pointer that claims one (interop/attachment-pointer.ts, PROTOCOL.md §6.3).
 */
export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * How much of a file is read at a time when it is sent. Node's 64 KiB default made every chunk pay
 * the cipher's, the hash's and the stream's fixed costs: 1 MiB halved the CPU time of encrypting
 * and decrypting 50 MB (bench/media.bench.ts), at 1 MiB of memory per upload.
 */
export const FILE_READ_CHUNK = 1024 * 1024;

/** 1536 → "1.5 KB", 104857600 → "100 MB". */
export function formatSize(bytes: number, digits?: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(digits ?? (value < 10 ? 1 : 0)).replace(/\.0+$/, '')} ${UNITS[unit]}`;
}

/**
 * "Files on XMPP can be at most 8 MB. This one is 8.2 MB." The size gets more decimals until it
 * reads differently from the limit (then exact bytes), so a file just over never reads as the limit.
 */
export function tooLargeMessage(network: string, limit: number, size: number): string {
  let sizeText = formatSize(size);
  for (let digits = 1; sizeText === formatSize(limit) && digits <= 3; digits++) sizeText = formatSize(size, digits);
  const [a, b] = sizeText === formatSize(limit)
    ? [`${limit.toLocaleString('en-US')} bytes`, `${size.toLocaleString('en-US')} bytes`]
    : [formatSize(limit), sizeText];
  return `Files on ${network} can be at most ${a}. This one is ${b}.`;
}

const PLURAL: Record<AttachmentKind, string> = {
  image: 'Images',
  voice: 'Voice messages',
  video: 'Videos',
  file: 'Files',
};

/** "Videos on XMPP can be at most 100 MB; this one is 140 MB." — never "100 MB; this one is 100 MB". */
export function limitMessage(kind: AttachmentKind, networkName: string, limit: number, size: number): string {
  const limitText = formatSize(limit);
  let sizeText = formatSize(size);
  for (let digits = 1; sizeText === limitText && digits <= 3; digits++) sizeText = formatSize(size, digits);
  return `${PLURAL[kind]} on ${networkName} can be at most ${limitText}; this one is ${sizeText}.`;
}

/** The plural the limit messages use for a kind ("Voice messages"). */
export function kindPlural(kind: AttachmentKind): string {
  return PLURAL[kind];
}
