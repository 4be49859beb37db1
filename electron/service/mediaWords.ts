// Sizes and the limit messages as the service says them — the same words the composer uses
// (renderer/src/media/format.ts), so a refusal reads the same wherever it is caught.
import type { AttachmentKind, IncomingMessage } from '../../protocols/adapter';
import { attachmentLabel, attachmentPreview } from '../store/attachment-preview';

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB", 104857600 → "100 MB": binary multiples under the familiar names. */
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
  return `${value.toFixed(places).replace(/\.0+$/, '')} ${UNITS[unit]}`;
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

export function cannotSendFilesMessage(networkName: string, address: string): string {
  return `${address} cannot send files yet: ${networkName} has not told Switchboard where files go (the account may be offline, or its server takes no uploads).`;
}

export function cannotSendKindMessage(kind: AttachmentKind, networkName: string): string {
  return `${PLURAL[kind]} cannot be sent on ${networkName}.`;
}

/** A notification's text: the message, or for a file its label and caption ("Photo · look"). */
export function notificationText(message: IncomingMessage): string {
  const first = message.attachments?.[0];
  const text = first
    ? attachmentPreview(attachmentLabel(first.kind, first.name, first.durationMs ?? null), message.body)
    : message.body;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
