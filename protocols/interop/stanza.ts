// The message stanzas of the channel (PROTOCOL.md §4): an encrypted message with one Signal
// ciphertext per device, and the decryption-error request. Decoding checks every attribute; what
// does not parse is ignored by the caller rather than half-used.
import xml, { type Element } from '@xmpp/xml';
import { fromB64, toB64 } from './bytes.js';
import { NS_INTEROP } from './namespaces.js';
import type { CopyKind, EncryptedCopy } from './signal-channel.js';

const NS_HINTS = 'urn:xmpp:hints';
const NS_SID = 'urn:xmpp:sid:0';
/** More copies than this in one stanza is not a real account (64 devices on each side). */
const MAX_KEYS = 128;
/** Shown by clients that do not speak the channel; the same words for every message (no content). */
export const FALLBACK_BODY = 'This message is end-to-end encrypted for the interop channel (urn:switchboard:interop:0).';

export interface EncryptedStanza {
  id: string;
  senderDevice: number;
  keys: EncryptedCopy[];
}

/**
 * `persistent`: stored in the archive and offline storage (messages, receipts, edits); typing
 * notifications are not (a late one is worthless).
 */
export function encryptedMessage(to: string, id: string, senderDevice: number, copies: EncryptedCopy[], persistent: boolean, fallback = false): Element {
  return xml('message', { to, type: 'chat', id },
    fallback ? xml('body', {}, FALLBACK_BODY) : null,
    xml('encrypted', { xmlns: NS_INTEROP, sid: String(senderDevice) },
      ...copies.map((c) => xml('key', { jid: c.name, rid: String(c.deviceId), kind: c.kind }, toB64(c.body)))),
    xml(persistent ? 'store' : 'no-store', { xmlns: NS_HINTS }),
    xml('origin-id', { xmlns: NS_SID, id }),
  );
}

/** The <encrypted/> of a message, or null when it has none or it is malformed. */
export function parseEncrypted(msg: Element): EncryptedStanza | null {
  const encrypted = msg.getChild('encrypted', NS_INTEROP);
  if (!encrypted) return null;
  const id = msg.attrs.id || msg.getChild('origin-id', NS_SID)?.attrs.id;
  const senderDevice = deviceId(encrypted.attrs.sid);
  if (!id || id.length > 128 || senderDevice === null) return null;
  const keys: EncryptedCopy[] = [];
  for (const key of encrypted.getChildren('key').slice(0, MAX_KEYS)) {
    const rid = deviceId(key.attrs.rid);
    const kind = key.attrs.kind;
    const name = key.attrs.jid?.toLowerCase();
    if (rid === null || !name || (kind !== 'prekey' && kind !== 'signal')) continue;
    try {
      keys.push({ name, deviceId: rid, kind: kind as CopyKind, body: fromB64(key.text()) });
    } catch {
      // A copy that is not base64 is treated like a missing one.
    }
  }
  return { id, senderDevice, keys };
}

export interface DecryptionErrorRequest {
  /** The stanza id of the message that failed. */
  ref: string;
  /** The device that could not decrypt, and the one that sent the failing copy. */
  fromDevice: number;
  toDevice: number;
  /** libsignal DecryptionErrorMessage, serialized. */
  body: Uint8Array<ArrayBuffer>;
}

export function decryptionError(to: string, id: string, request: DecryptionErrorRequest): Element {
  return xml('message', { to, type: 'chat', id },
    xml('decryption-error', { xmlns: NS_INTEROP, ref: request.ref, sid: String(request.fromDevice), rid: String(request.toDevice) }, toB64(request.body)),
    xml('store', { xmlns: NS_HINTS }),
  );
}

export function parseDecryptionError(msg: Element): DecryptionErrorRequest | null {
  const element = msg.getChild('decryption-error', NS_INTEROP);
  if (!element) return null;
  const fromDevice = deviceId(element.attrs.sid);
  const toDevice = deviceId(element.attrs.rid);
  const ref = element.attrs.ref;
  if (fromDevice === null || toDevice === null || !ref || ref.length > 128) return null;
  try {
    return { ref, fromDevice, toDevice, body: fromB64(element.text()) };
  } catch {
    return null;
  }
}

function deviceId(value: string | undefined): number | null {
  if (!value || !/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 127 ? n : null;
}
