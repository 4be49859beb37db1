// Builders for the stanzas this adapter sends. Bodies go in as text nodes: ltx escapes them, so a
// body is never markup.
import xml, { type Element } from '@xmpp/xml';
import { NS } from './namespaces.js';

export type ChatState = 'composing' | 'paused' | 'active';

/**
 * A chat message whose stanza id is the service's client id, so a resend is recognisably the same
 * message. `extra`: further payload (an attachment's <x/> and <file/>, see media-stanza.ts).
 */
export function chatMessage(to: string, clientId: string, body: string, extra: Element[] = []): Element {
  return xml('message', { to, type: 'chat', id: clientId },
    xml('body', {}, body),
    ...extra,
    xml('origin-id', { xmlns: NS.originId, id: clientId }),
    xml('request', { xmlns: NS.receipts }),
    xml('markable', { xmlns: NS.markers }),
    xml('active', { xmlns: NS.chatStates }),
  );
}

/** XEP-0184 answer, addressed to the full JID that asked. */
export function deliveryReceipt(to: string, id: string, ownId: string): Element {
  return xml('message', { to, id: ownId },
    xml('received', { xmlns: NS.receipts, id }),
    xml('store', { xmlns: NS.hints }),
  );
}

/** XEP-0333 displayed marker: everything up to `id` has been seen. */
export function displayedMarker(to: string, id: string, ownId: string): Element {
  return xml('message', { to, type: 'chat', id: ownId },
    xml('displayed', { xmlns: NS.markers, id }),
    xml('store', { xmlns: NS.hints }),
  );
}

/** XEP-0085 standalone notification; never archived. */
export function chatState(to: string, state: ChatState, ownId: string): Element {
  return xml('message', { to, type: 'chat', id: ownId },
    xml(state, { xmlns: NS.chatStates }),
    xml('no-store', { xmlns: NS.hints }),
  );
}

export function rosterRequest(): Element {
  return xml('iq', { type: 'get' }, xml('query', { xmlns: NS.roster }));
}

export function enableCarbons(): Element {
  return xml('iq', { type: 'set' }, xml('enable', { xmlns: NS.carbons }));
}

export function initialPresence(): Element {
  return xml('presence', {});
}

export interface ArchiveQuery {
  queryId: string;
  with?: string;
  max: number;
  /** Page forward from this archive id. */
  after?: string;
  /** Page back from this archive id; '' for the newest page. */
  before?: string;
}

/** XEP-0313 query with an XEP-0059 result set. */
export function archiveQuery(q: ArchiveQuery): Element {
  const form = xml('x', { xmlns: NS.dataForms, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam)),
    q.with ? xml('field', { var: 'with' }, xml('value', {}, q.with)) : null,
  );
  const set = xml('set', { xmlns: NS.rsm },
    xml('max', {}, String(q.max)),
    q.after !== undefined ? xml('after', {}, q.after) : null,
    q.before !== undefined ? xml('before', {}, q.before) : null,
  );
  return xml('iq', { type: 'set' }, xml('query', { xmlns: NS.mam, queryid: q.queryId }, form, set));
}

export function discoInfoAnswer(): Element {
  const features = [NS.discoInfo, NS.receipts, NS.markers, NS.chatStates, NS.carbons, NS.ping, NS.correction, NS.retract];
  return xml('query', { xmlns: NS.discoInfo },
    xml('identity', { category: 'client', type: 'pc', name: 'Switchboard' }),
    ...features.map((v) => xml('feature', { var: v })),
  );
}
