// Pure mapping of what arrived to adapter events: unwrapping carbons and archive results (with the
// same trust rules as protocols/xmpp/incoming.ts), and turning a decrypted envelope into events.
// Every message reference is scoped to its sender: `${senderBareJid}/${id}`, so a contact can edit,
// delete or acknowledge only what it may.
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../adapter.js';
import { bareOf, networkIdOf } from '../xmpp/address.js';
import { remoteAttachmentOf } from './attachment-pointer.js';
import type { Envelope } from './envelope.js';

const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';

export interface Arrival {
  msg: Element;
  historical: boolean;
  /** The server's stamp (delay), when there is one. */
  stampedAt?: number;
}

/** A live stanza: itself, or the message inside a carbon from the account itself; null when refused or empty. */
export function unwrapLive(stanza: Element, own: string): Arrival | { refused: string } | null {
  const carbon = stanza.getChild('sent', NS_CARBONS) ?? stanza.getChild('received', NS_CARBONS);
  if (!carbon) return { msg: stanza, historical: false, ...stamp(stanza.getChild('delay', NS_DELAY)) };
  if (stanza.attrs.from?.toLowerCase() !== own) return { refused: `carbon from ${stanza.attrs.from ?? 'nobody'}` };
  const forwarded = carbon.getChild('forwarded', NS_FORWARD);
  const msg = forwarded?.getChild('message');
  return msg ? { msg, historical: false, ...stamp(forwarded?.getChild('delay', NS_DELAY)) } : null;
}

export function unwrapArchived(forwarded: Element): Arrival | null {
  const msg = forwarded.getChild('message');
  return msg ? { msg, historical: true, ...stamp(forwarded.getChild('delay', NS_DELAY) ?? msg.getChild('delay', NS_DELAY)) } : null;
}

function stamp(delay: Element | undefined): { stampedAt?: number } {
  const ms = delay?.attrs.stamp ? Date.parse(delay.attrs.stamp) : NaN;
  return Number.isFinite(ms) ? { stampedAt: ms } : {};
}

export interface Routing {
  chat: string;
  sender: string;
  fromMe: boolean;
}

/** Who sent a message and which chat it belongs to; null when it names nobody. */
export function routingOf(msg: Element, own: string): Routing | null {
  const from = bareOf(msg.attrs.from);
  const to = bareOf(msg.attrs.to);
  const fromMe = from === own;
  const chat = fromMe ? to : from;
  if (!from || !chat || (msg.attrs.type ?? 'normal') === 'error') return null;
  return { chat, sender: from, fromMe };
}

export interface EnvelopeContext extends Routing {
  own: string;
  id: string;
  at: number;
  historical: boolean;
}

export function envelopeEvents(envelope: Envelope, c: EnvelopeContext): AdapterEvent[] {
  const events: AdapterEvent[] = [];
  const { chat, sender, at } = c;
  if (envelope.edit) {
    events.push({ type: 'edit', chat, targetNetworkId: networkIdOf(sender, envelope.edit.target), body: envelope.edit.text, at });
  } else if (envelope.delete) {
    events.push({ type: 'delete', chat, targetNetworkId: networkIdOf(sender, envelope.delete.target), at });
  } else if (envelope.text !== undefined || envelope.attachments?.length) {
    events.push({
      type: 'message',
      message: {
        chat,
        networkId: networkIdOf(sender, c.id),
        ...(c.fromMe ? { clientId: c.id } : {}),
        sender,
        fromMe: c.fromMe,
        // With attachments the text is their caption, and may be empty.
        body: envelope.text ?? '',
        sentAt: at,
        historical: c.historical,
        ...(envelope.attachments?.length ? { attachments: envelope.attachments.map(remoteAttachmentOf) } : {}),
      },
    });
  }
  // A receipt or typing from one of the account's own devices is about the contact's messages: not ours to report.
  if (!c.fromMe && envelope.receipt) {
    events.push({ type: 'receipt', chat, targetNetworkIds: envelope.receipt.targets.map((t) => networkIdOf(c.own, t)), status: envelope.receipt.status, at });
  }
  if (!c.fromMe && !c.historical && envelope.typing) events.push({ type: 'typing', chat, from: sender, state: envelope.typing });
  return events;
}
