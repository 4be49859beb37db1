// How the sidebar groups and orders chats.
import type { ChatView } from '../api';

export interface ChatGroups {
  interop: ChatView[];
  native: ChatView[];
  archived: ChatView[];
}

/** Pinned first, then most recent activity first. */
export function compareChats(a: ChatView, b: ChatView): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  return b.lastActivityAt - a.lastActivityAt || a.id - b.id;
}

export function groupChats(chats: Record<number, ChatView>): ChatGroups {
  const groups: ChatGroups = { interop: [], native: [], archived: [] };
  for (const chat of Object.values(chats)) {
    // A blocked contact's chat stays in the store (so what they send is dropped) but not in view.
    if (chat.requestState === 'blocked') continue;
    if (chat.archived) groups.archived.push(chat);
    else if (chat.inbox === 'interop') groups.interop.push(chat);
    else groups.native.push(chat);
  }
  groups.interop.sort(compareChats);
  groups.native.sort(compareChats);
  groups.archived.sort(compareChats);
  return groups;
}

export function unreadTotal(chats: ChatView[]): number {
  return chats.reduce((sum, c) => sum + c.unreadCount, 0);
}
