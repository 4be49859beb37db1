// Which chats the service has been told about, with their titles from the roster.
import type { Element } from '@xmpp/xml';
import type { ChatInfo, SecuritySummary } from '../adapter.js';
import { bareOf } from './address.js';
import { NS } from './namespaces.js';

export const SERVER_READABLE: SecuritySummary = {
  e2ee: false,
  protocol: null,
  endsAt: 'server',
  label: 'Not end-to-end encrypted · the server can read messages',
};

export function directChat(address: string, title?: string): ChatInfo {
  return { address, title: title || address, kind: 'direct', inbox: 'native', security: SERVER_READABLE };
}

export interface RosterItem {
  jid: string;
  name?: string;
  removed: boolean;
}

/** Items of a roster result or push (<query xmlns='jabber:iq:roster'/>). */
export function rosterItems(query: Element | undefined): RosterItem[] {
  if (!query) return [];
  return query.getChildren('item', NS.roster).flatMap((item) => {
    const jid = bareOf(item.attrs.jid);
    if (!jid) return [];
    return [{ jid, name: item.attrs.name || undefined, removed: item.attrs.subscription === 'remove' }];
  });
}

export class ChatDirectory {
  private readonly announced = new Map<string, ChatInfo>();

  /** The chat's info if it is new or its title changed (then it must be emitted), else null. */
  upsert(address: string, title?: string): ChatInfo | null {
    const known = this.announced.get(address);
    if (known && (title === undefined || known.title === title)) return null;
    const chat = directChat(address, title ?? known?.title);
    this.announced.set(address, chat);
    return chat;
  }

  get(address: string): ChatInfo | undefined {
    return this.announced.get(address);
  }
}
