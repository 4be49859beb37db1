// XEP-0313 message archive: the catch-up after every connect and history pages for one chat.
// Results arrive as <message/> stanzas tagged with our query id before the <iq/> that ends the
// query; collect() takes them out of the live stream.
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { AdapterState } from '../adapter.js';
import { NS } from './namespaces.js';
import { archiveQuery, type ArchiveQuery } from './outgoing.js';

/** Prosody answers at most 50 per page whatever is asked (max_archive_query_results). */
export const PAGE_SIZE = 50;
/** On the very first connect only this many of the newest messages are fetched. */
export const FIRST_CONNECT_LIMIT = 200;
const STATE_KEY = 'mam.last';
/** Receipts and markers are archived too; this bounds the walk back through an archive full of them. */
const MAX_FIRST_CONNECT_PAGES = 20;

function hasBody(item: ArchiveItem): boolean {
  return item.forwarded.getChild('message')?.getChild('body') !== undefined;
}

/** The tail of `items` that holds the newest `limit` messages with a body (and what came after them). */
function newestMessages(items: ArchiveItem[], limit: number): ArchiveItem[] {
  let bodies = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item && hasBody(item) && ++bodies === limit) return items.slice(i);
  }
  return items;
}

export interface ArchiveItem {
  archiveId: string;
  forwarded: Element;
}

export interface ArchivePage {
  items: ArchiveItem[];
  complete: boolean;
  first: string | null;
  last: string | null;
}

export class Archive {
  private readonly collecting = new Map<string, ArchiveItem[]>();

  constructor(private readonly own: string) {}

  /** Takes an archive result out of the live stream; true when the stanza was one of ours. */
  collect(stanza: Element): boolean {
    if (stanza.name !== 'message') return false;
    const result = stanza.getChild('result', NS.mam);
    if (!result) return false;
    const items = this.collecting.get(result.attrs.queryid ?? '');
    // Only the account's own archive answers our queries; results from anyone else are dropped.
    const from = stanza.attrs.from?.toLowerCase();
    if (!items || (from && from !== this.own)) return true;
    const forwarded = result.getChild('forwarded', NS.forward);
    if (forwarded && result.attrs.id) items.push({ archiveId: result.attrs.id, forwarded });
    return true;
  }

  /**
   * Moves the catch-up cursor past a message that arrived live, so the next catch-up does not fetch
   * it again. Only call once this session's catch-up is complete: before that, moving the cursor
   * would skip pages not fetched yet.
   */
  noteLive(stanza: Element, state: AdapterState): void {
    const archiveId = stanza.getChildren('stanza-id', NS.stanzaId).find((s) => s.attrs.by?.toLowerCase() === this.own)?.attrs.id;
    if (archiveId) state.set(STATE_KEY, archiveId);
  }

  /** One page; `beforeAwait` runs right after the query is written (to order later stanzas after it). */
  async page(iq: IqCaller, query: Omit<ArchiveQuery, 'queryId'>, beforeAwait?: () => void): Promise<ArchivePage> {
    const queryId = randomUUID();
    const items: ArchiveItem[] = [];
    this.collecting.set(queryId, items);
    try {
      const pending = iq.request(archiveQuery({ ...query, queryId }));
      beforeAwait?.();
      const answer = await pending;
      const fin = answer.getChild('fin', NS.mam);
      const set = fin?.getChild('set', NS.rsm);
      return {
        items,
        complete: fin?.attrs.complete === 'true' || fin?.attrs.complete === '1',
        first: set?.getChildText('first') ?? null,
        last: set?.getChildText('last') ?? null,
      };
    } finally {
      this.collecting.delete(queryId);
    }
  }

  /**
   * Everything archived since the last catch-up, oldest first, page by page; `emit` runs per page
   * and the cursor is saved after it. On the first connect (no cursor) only the newest 200.
   * `afterFirstQuery` runs once the first query is on the wire: sending initial presence then means
   * Prosody has seen the query (and so does not also replay the offline store), and every message
   * that arrives afterwards comes live; a final query after it closes the gap between the two.
   */
  async catchUp(iq: IqCaller, state: AdapterState, emit: (items: ArchiveItem[]) => void, afterFirstQuery: () => void): Promise<number> {
    let total = 0;
    let pending: (() => void) | undefined = afterFirstQuery;
    const firstQuery = (): void => {
      const run = pending;
      pending = undefined;
      run?.();
    };

    if (!state.get(STATE_KEY)) {
      const newest: ArchiveItem[] = [];
      let before = '';
      let cursor: string | null = null;
      for (let pages = 0; pages < MAX_FIRST_CONNECT_PAGES; pages++) {
        const page = await this.page(iq, { max: PAGE_SIZE, before }, firstQuery);
        cursor ??= page.last;
        newest.unshift(...page.items);
        if (page.complete || !page.first || page.items.length === 0) break;
        if (newest.filter(hasBody).length >= FIRST_CONNECT_LIMIT) break;
        before = page.first;
      }
      const kept = newestMessages(newest, FIRST_CONNECT_LIMIT);
      if (kept.length) emit(kept);
      total += kept.length;
      if (!cursor) return total;
      state.set(STATE_KEY, cursor);
    }

    let afterPresence = pending === undefined;
    for (;;) {
      const after = state.get(STATE_KEY) ?? '';
      let page: ArchivePage;
      try {
        page = await this.page(iq, { max: PAGE_SIZE, after }, firstQuery);
      } catch (err) {
        if ((err as { condition?: string }).condition === 'item-not-found') {
          // The archive no longer has our cursor (expired or reset): start over from the newest.
          state.delete(STATE_KEY);
          return total + (await this.catchUp(iq, state, emit, firstQuery));
        }
        throw err;
      }
      if (page.items.length) emit(page.items);
      total += page.items.length;
      if (page.last) state.set(STATE_KEY, page.last);
      if ((page.complete || page.items.length === 0) && afterPresence) return total;
      afterPresence = true;
    }
  }
}
