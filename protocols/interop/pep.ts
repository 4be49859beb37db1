// XEP-0163 PEP over the connection's iq caller: publish with publish-options (open access, so a
// contact without a presence subscription can read; PROTOCOL.md §3), fetch, retract.
import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { NS_PUBLISH_OPTIONS, NS_PUBSUB } from './namespaces.js';

/** The Kyber node holds ~10 chunks (bundle-xml.ts); ids only grow, so old chunks are retracted. */
export const KYBER_NODE_MAX_ITEMS = 64;

function field(name: string, value: string): Element {
  return xml('field', { var: name }, xml('value', {}, value));
}

export async function publish(iq: IqCaller, node: string, itemId: string, payload: Element, maxItems = 1): Promise<void> {
  await iq.request(xml('iq', { type: 'set' },
    xml('pubsub', { xmlns: NS_PUBSUB },
      xml('publish', { node }, xml('item', { id: itemId }, payload)),
      xml('publish-options', {},
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
          xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_PUBLISH_OPTIONS)),
          field('pubsub#access_model', 'open'),
          field('pubsub#max_items', String(maxItems)),
        )),
    )));
}

/** The payloads of the requested items (all of them when `itemIds` is empty); [] when the node does not exist. */
export async function fetchItems(iq: IqCaller, jid: string, node: string, itemIds: string[] = [], timeoutMs?: number): Promise<Element[]> {
  let answer: Element;
  try {
    answer = await iq.request(xml('iq', { type: 'get', to: jid },
      xml('pubsub', { xmlns: NS_PUBSUB },
        xml('items', { node }, ...itemIds.map((id) => xml('item', { id }))))), timeoutMs);
  } catch (err) {
    if ((err as { condition?: string }).condition === 'item-not-found') return [];
    throw err;
  }
  const items = answer.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [];
  return items.flatMap((item) => item.getChildElements().slice(0, 1));
}

export async function retract(iq: IqCaller, node: string, itemIds: string[]): Promise<void> {
  if (!itemIds.length) return;
  await iq.request(xml('iq', { type: 'set' },
    xml('pubsub', { xmlns: NS_PUBSUB },
      xml('retract', { node }, ...itemIds.map((id) => xml('item', { id }))))));
}
