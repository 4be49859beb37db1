// The loaded window of one chat's timeline, and the pure operations that change it.
import type { Cursor, MessagesPage, MessageView } from '../api';

export interface TimelineWindow {
  chatId: number;
  /** Oldest first. */
  messages: MessageView[];
  olderCursor: Cursor | null;
  /** Null when the window reaches the newest message. */
  newerCursor: Cursor | null;
  loadingOlder: boolean;
  loadingNewer: boolean;
  /** A message to scroll to and flash (a search hit), or null. */
  highlightId: number | null;
  /** Changes whenever the window is replaced rather than extended, so the view re-anchors. */
  generation: number;
}

let generations = 0;

export function windowFromPage(chatId: number, page: MessagesPage, highlightId: number | null = null): TimelineWindow {
  return {
    chatId,
    messages: page.messages,
    olderCursor: page.olderCursor,
    newerCursor: page.newerCursor,
    loadingOlder: false,
    loadingNewer: false,
    highlightId,
    generation: ++generations,
  };
}

function before(a: MessageView, b: MessageView): boolean {
  return a.sentAt < b.sentAt || (a.sentAt === b.sentAt && a.id < b.id);
}

/**
 * Adds or replaces a message, keeping the order by (sentAt, id). New messages almost always belong
 * at the end, so the search for the slot walks from there.
 */
export function upsertMessage(messages: MessageView[], message: MessageView): MessageView[] {
  const existing = messages.findIndex((m) => m.id === message.id);
  if (existing !== -1) {
    const next = messages.slice();
    next[existing] = message;
    return next;
  }
  let slot = messages.length;
  while (slot > 0 && before(message, messages[slot - 1] as MessageView)) slot--;
  const next = messages.slice();
  next.splice(slot, 0, message);
  return next;
}

/** Replaces a message by id if it is loaded; otherwise returns the same array. */
export function replaceMessage(messages: MessageView[], message: MessageView): MessageView[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) return messages;
  const next = messages.slice();
  next[index] = message;
  return next;
}

/** Prepends an older page, dropping any message the window already holds. */
export function prependOlder(window: TimelineWindow, page: MessagesPage): TimelineWindow {
  const have = new Set(window.messages.map((m) => m.id));
  const older = page.messages.filter((m) => !have.has(m.id));
  return { ...window, messages: older.concat(window.messages), olderCursor: page.olderCursor, loadingOlder: false };
}

/** Appends a newer page, dropping any message the window already holds. */
export function appendNewer(window: TimelineWindow, page: MessagesPage): TimelineWindow {
  const have = new Set(window.messages.map((m) => m.id));
  const newer = page.messages.filter((m) => !have.has(m.id));
  return { ...window, messages: window.messages.concat(newer), newerCursor: page.newerCursor, loadingNewer: false };
}
