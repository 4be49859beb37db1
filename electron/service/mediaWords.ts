// The service's words about files: limits (shared with the adapters, protocols/sizes.ts), what an
// account cannot send, and a notification's text for a file. The composer says the same
// (renderer/src/media/format.ts), so a refusal reads the same wherever it is caught.
import type { AttachmentKind, IncomingMessage } from '../../protocols/adapter';
import { kindPlural } from '../../protocols/sizes';
import { attachmentLabel, attachmentPreview } from '../store/attachment-preview';

export { formatSize, limitMessage } from '../../protocols/sizes';

export function cannotSendFilesMessage(networkName: string, address: string): string {
  return `${address} cannot send files yet: ${networkName} has not told Switchboard where files go (the account may be offline, or its server takes no uploads).`;
}

export function cannotSendKindMessage(kind: AttachmentKind, networkName: string): string {
  return `${kindPlural(kind)} cannot be sent on ${networkName}.`;
}

/** A notification's text: the message, or for a file its label and caption ("Photo · look"). */
export function notificationText(message: IncomingMessage): string {
  const first = message.attachments?.[0];
  const text = first
    ? attachmentPreview(attachmentLabel(first.kind, first.name, first.durationMs ?? null), message.body)
    : message.body;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
