// Sizes, durations and the limit messages as the composer says them.
import type { AttachmentKind } from './types';

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * 1536 → "1.5 KB", 104857600 → "100 MB". Binary multiples (what file managers on most systems
 * show) under the familiar names. One decimal below 10, none above, unless `digits` asks for more.
 */
export function formatSize(bytes: number, digits?: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const places = digits ?? (value < 10 ? 1 : 0);
  // toFixed, then drop a trailing ".0": "2.0 MB" reads as "2 MB".
  const text = value.toFixed(places).replace(/\.0+$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** 7_400 → "0:07", 3_723_000 → "1:02:03". Rounded down: a timer must not run ahead. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

const PLURAL: Record<AttachmentKind, string> = {
  image: 'Images',
  voice: 'Voice messages',
  video: 'Videos',
  file: 'Files',
};

const SINGULAR: Record<AttachmentKind, string> = {
  image: 'image',
  voice: 'voice message',
  video: 'video',
  file: 'file',
};

/**
 * "Videos on XMPP can be at most 100 MB; this one is 140 MB." The size gets more decimals until it
 * reads differently from the limit, so a file just over never reads "at most 100 MB; this one is 100 MB".
 */
export function limitMessage(kind: AttachmentKind, networkName: string, limit: number, size: number): string {
  const limitText = formatSize(limit);
  let sizeText = formatSize(size);
  for (let digits = 1; sizeText === limitText && digits <= 3; digits++) sizeText = formatSize(size, digits);
  return `${PLURAL[kind]} on ${networkName} can be at most ${limitText}; this one is ${sizeText}.`;
}

/** Said when the account has no limits yet: it is not connected, or its server takes no files. */
export function cannotSendFilesMessage(networkName: string, address: string): string {
  return `${address} cannot send files yet: ${networkName} has not told Switchboard where files go (the account may be offline, or its server takes no uploads).`;
}

/** Said when the account takes files, but not of this kind. */
export function cannotSendKindMessage(kind: AttachmentKind, networkName: string): string {
  return `${PLURAL[kind]} cannot be sent on ${networkName}.`;
}

export function kindLabel(kind: AttachmentKind): string {
  return SINGULAR[kind];
}
