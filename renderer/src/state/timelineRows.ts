// The rows the timeline renders: messages, with a day row before the first loaded message of each
// day. Day rows are keyed by their day, so when an older page is prepended a day row moves up
// with its key intact and the virtualizer's anchoring keeps the reader's row still.
import type { MessageView } from '../api';
import { dayKey } from '../format';

export type TimelineRow =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'message'; key: number; message: MessageView; continued: boolean };

/** Consecutive messages from one sender within this gap read as one run. */
const CONTINUE_MS = 5 * 60_000;

export function buildRows(messages: MessageView[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let previous: MessageView | undefined;
  let previousDay = -1;
  for (const message of messages) {
    const day = dayKey(message.sentAt);
    const newDay = day !== previousDay;
    if (newDay) rows.push({ kind: 'day', key: `day-${day}`, at: message.sentAt });
    const continued =
      !newDay &&
      previous !== undefined &&
      previous.kind !== 'notice' &&
      message.kind !== 'notice' &&
      previous.sender === message.sender &&
      previous.fromMe === message.fromMe &&
      message.sentAt - previous.sentAt < CONTINUE_MS;
    rows.push({ kind: 'message', key: message.id, message, continued });
    previous = message;
    previousDay = day;
  }
  return rows;
}

export function rowIndexOfMessage(rows: TimelineRow[], messageId: number): number {
  return rows.findIndex((r) => r.kind === 'message' && r.key === messageId);
}
