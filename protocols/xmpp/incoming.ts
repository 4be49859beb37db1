// Maps received <message/> stanzas (live, carbon-copied, or from the archive) to adapter events.
// Pure: no I/O. The caller announces chats, emits, and answers receipt requests.
//
// Trust rules, which keep one contact from speaking for another:
//  - a carbon counts only when the outer stanza comes from the account's own bare JID;
//  - every networkId is `${senderBareJid}/${stanzaId}` with the sender taken from the stanza itself,
//    so an edit, retraction or receipt can only name messages of its own sender (or, for receipts
//    and markers, the account's own messages sent to that sender's chat).
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../adapter.js';
import { bareOf, networkIdOf } from './address.js';
import { captionOf, parseAttachment } from './media-stanza.js';
import { NS } from './namespaces.js';

export interface Interpretation {
  events: AdapterEvent[];
  /** Set when the sender asked for a delivery receipt that should be answered now. */
  answerReceipt?: { to: string; id: string };
  /** Set when the message is a carbon or claims to be one and was refused. */
  refused?: string;
}

interface Context {
  own: string;
  now: number;
  historical: boolean;
  /** For archive results: the archive id, the last-resort message id. */
  archiveId?: string;
  /** The <delay/> on the wrapper (<forwarded/>), if any. */
  outerDelay?: Element;
}

const CHAT_STATES = ['composing', 'paused', 'active'] as const;

/** A message as it arrived on the stream. */
export function interpretLive(stanza: Element, own: string, now: number): Interpretation {
  if (stanza.name !== 'message') return { events: [] };
  const carbon = stanza.getChild('sent', NS.carbons) ?? stanza.getChild('received', NS.carbons);
  if (carbon) {
    // Carbons come from the account itself; anyone else sending one is forging our own messages.
    if (!stanza.attrs.from || stanza.attrs.from.toLowerCase() !== own) {
      return { events: [], refused: `carbon from ${stanza.attrs.from ?? 'nobody'}` };
    }
    const forwarded = carbon.getChild('forwarded', NS.forward);
    const inner = forwarded?.getChild('message');
    if (!inner) return { events: [] };
    const ctx: Context = { own, now, historical: false, outerDelay: forwarded?.getChild('delay', NS.delay) };
    const result = interpretMessage(inner, ctx, carbon.name === 'sent' ? 'sent' : 'received');
    // The resource the message was addressed to answers its receipt, not every carbon.
    delete result.answerReceipt;
    return result;
  }
  return interpretMessage(stanza, { own, now, historical: false }, 'auto');
}

/** A <forwarded/> from an archive (XEP-0313) result of the account's own archive. */
export function interpretArchived(forwarded: Element, archiveId: string, own: string, now: number): Interpretation {
  const inner = forwarded.getChild('message');
  if (!inner) return { events: [] };
  const ctx: Context = { own, now, historical: true, archiveId, outerDelay: forwarded.getChild('delay', NS.delay) };
  return interpretMessage(inner, ctx, 'auto');
}

function interpretMessage(msg: Element, ctx: Context, direction: 'sent' | 'received' | 'auto'): Interpretation {
  const type = msg.attrs.type ?? 'normal';
  if (type === 'error' || type === 'groupchat' || type === 'headline') return { events: [] };

  const fromBare = bareOf(msg.attrs.from);
  const toBare = bareOf(msg.attrs.to);
  const sentByMe = direction === 'sent' || (direction === 'auto' && fromBare === ctx.own);
  const sender = sentByMe ? ctx.own : fromBare;
  const chat = sentByMe ? toBare : fromBare;
  if (!sender || !chat) return { events: [] };

  const originId = msg.getChild('origin-id', NS.originId)?.attrs.id;
  const archiveId = ctx.archiveId ?? stanzaIdBy(msg, ctx.own);
  const id = msg.attrs.id || originId || (archiveId ? `~${archiveId}` : undefined);
  const at = stampOf(msg.getChild('delay', NS.delay)) ?? stampOf(ctx.outerDelay) ?? ctx.now;
  const events: AdapterEvent[] = [];
  let answerReceipt: Interpretation['answerReceipt'];

  const body = msg.getChildText('body');
  const retracted = retractionTarget(msg);
  const replaced = msg.getChild('replace', NS.correction)?.attrs.id;
  if (retracted) {
    events.push({ type: 'delete', chat, targetNetworkId: networkIdOf(sender, retracted), at });
  } else if (replaced && body !== null) {
    events.push({ type: 'edit', chat, targetNetworkId: networkIdOf(sender, replaced), body, at });
  } else if (id && (body !== null || msg.getChild('x', NS.oob))) {
    // At most one attachment per message (media-design.md); its URL line is not part of the caption.
    const attachment = parseAttachment(msg);
    if (body !== null || attachment) {
      events.push({
        type: 'message',
        message: {
          chat,
          networkId: networkIdOf(sender, id),
          ...(sentByMe ? { clientId: originId ?? msg.attrs.id ?? id } : {}),
          sender,
          fromMe: sentByMe,
          body: attachment ? captionOf(body ?? '', attachment.ref) : body ?? '',
          sentAt: at,
          historical: ctx.historical,
          ...(attachment ? { attachments: [attachment] } : {}),
        },
      });
    }
    if (!sentByMe && !ctx.historical && msg.attrs.id && msg.attrs.from && msg.getChild('request', NS.receipts)) {
      answerReceipt = { to: msg.attrs.from, id: msg.attrs.id };
    }
  }

  // Receipts and markers from the peer refer to the account's own messages in this chat.
  if (!sentByMe) {
    const received = msg.getChild('received', NS.receipts)?.attrs.id;
    if (received) {
      events.push({ type: 'receipt', chat, targetNetworkIds: [networkIdOf(ctx.own, received)], status: 'delivered', at });
    }
    const displayed = msg.getChild('displayed', NS.markers)?.attrs.id;
    if (displayed) {
      events.push({ type: 'receipt', chat, targetNetworkIds: [networkIdOf(ctx.own, displayed)], status: 'read', at });
    }
    if (!ctx.historical) {
      const state = CHAT_STATES.find((s) => msg.getChild(s, NS.chatStates));
      if (state) events.push({ type: 'typing', chat, from: sender, state });
      else if (msg.getChild('inactive', NS.chatStates) || msg.getChild('gone', NS.chatStates)) {
        events.push({ type: 'typing', chat, from: sender, state: 'paused' });
      }
    }
  }
  return answerReceipt ? { events, answerReceipt } : { events };
}

/** XEP-0424 v1 (<retract id/>) or the older fastening form (<apply-to id><retract/></apply-to>). */
function retractionTarget(msg: Element): string | undefined {
  const direct = msg.getChild('retract', NS.retract)?.attrs.id;
  if (direct) return direct;
  const applyTo = msg.getChild('apply-to', NS.fasten);
  if (applyTo?.getChild('retract', NS.retractLegacy)) return applyTo.attrs.id;
  return undefined;
}

/** The archive id the account's own server stamped on a live message (XEP-0359). */
function stanzaIdBy(msg: Element, own: string): string | undefined {
  return msg.getChildren('stanza-id', NS.stanzaId).find((s) => s.attrs.by?.toLowerCase() === own)?.attrs.id;
}

function stampOf(delay: Element | undefined): number | undefined {
  const stamp = delay?.attrs.stamp;
  if (!stamp) return undefined;
  const ms = Date.parse(stamp);
  return Number.isFinite(ms) ? ms : undefined;
}
