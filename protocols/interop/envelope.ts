// The content envelope: what travels inside the Signal ciphertext. JSON with a strict schema
// (PROTOCOL.md §5): every known field is checked for type and size; unknown fields are kept in
// `unknown` and ignored, so a newer peer can add fields without breaking an older one. The JSON is
// padded (0x80 then zeros, to a multiple of 160 bytes, as Signal pads) so lengths leak less.
import { parsePointer, type AttachmentPointer } from './attachment-pointer.js';
import { utf8 } from './bytes.js';
import { isRecord, num, rec, str } from './schema.js';

export type { AttachmentPointer } from './attachment-pointer.js';

export const ENVELOPE_VERSION = 1;
const PAD_BLOCK = 160;
const MAX_TEXT = 64 * 1024;
const MAX_IDS = 500;

/** Message references are stanza ids (client ids) of the sender's or, for receipts, the reader's messages. */
export interface Envelope {
  v: number;
  sentAt: number;
  text?: string;
  attachments?: AttachmentPointer[];
  replyTo?: string;
  reaction?: { target: string; emoji: string; remove?: boolean };
  edit?: { target: string; text: string };
  delete?: { target: string };
  receipt?: { status: 'delivered' | 'read'; targets: string[] };
  typing?: 'composing' | 'paused' | 'active';
  /** Fields this version does not know, kept as received. */
  unknown?: Record<string, unknown>;
}

const KNOWN = new Set(['v', 'sentAt', 'text', 'attachments', 'replyTo', 'reaction', 'edit', 'delete', 'receipt', 'typing']);

export function encodeEnvelope(envelope: Envelope): Uint8Array<ArrayBuffer> {
  const { unknown, ...known } = envelope;
  const json = utf8(JSON.stringify({ ...unknown, ...known }));
  const padded = new Uint8Array(Math.ceil((json.length + 1) / PAD_BLOCK) * PAD_BLOCK);
  padded.set(json);
  padded[json.length] = 0x80;
  return padded;
}

/** Parses and checks; throws an Error naming the first field that breaks the schema. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let end = bytes.length - 1;
  while (end >= 0 && bytes[end] === 0) end--;
  if (end < 0 || bytes[end] !== 0x80) throw new Error('envelope: bad padding');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8'));
  } catch {
    throw new Error('envelope: not JSON');
  }
  if (!isRecord(raw)) throw new Error('envelope: not an object');
  const v = raw.v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error('envelope: v');
  const envelope: Envelope = { v, sentAt: num(raw.sentAt, 'sentAt') };
  if (raw.text !== undefined) envelope.text = str(raw.text, 'text', MAX_TEXT);
  if (raw.replyTo !== undefined) envelope.replyTo = str(raw.replyTo, 'replyTo', 256);
  if (raw.attachments !== undefined) {
    if (!Array.isArray(raw.attachments) || raw.attachments.length > 32) throw new Error('envelope: attachments');
    envelope.attachments = raw.attachments.map(parsePointer);
  }
  if (raw.reaction !== undefined) {
    const r = rec(raw.reaction, 'reaction');
    envelope.reaction = { target: str(r.target, 'reaction.target', 256), emoji: str(r.emoji, 'reaction.emoji', 64),
      ...(r.remove === true ? { remove: true } : {}) };
  }
  if (raw.edit !== undefined) {
    const e = rec(raw.edit, 'edit');
    envelope.edit = { target: str(e.target, 'edit.target', 256), text: str(e.text, 'edit.text', MAX_TEXT) };
  }
  if (raw.delete !== undefined) envelope.delete = { target: str(rec(raw.delete, 'delete').target, 'delete.target', 256) };
  if (raw.receipt !== undefined) {
    const r = rec(raw.receipt, 'receipt');
    if (r.status !== 'delivered' && r.status !== 'read') throw new Error('envelope: receipt.status');
    if (!Array.isArray(r.targets) || r.targets.length > MAX_IDS) throw new Error('envelope: receipt.targets');
    envelope.receipt = { status: r.status, targets: r.targets.map((t) => str(t, 'receipt.targets', 256)) };
  }
  if (raw.typing !== undefined) {
    if (raw.typing !== 'composing' && raw.typing !== 'paused' && raw.typing !== 'active') throw new Error('envelope: typing');
    envelope.typing = raw.typing;
  }
  const unknown = Object.fromEntries(Object.entries(raw).filter(([k]) => !KNOWN.has(k)));
  if (Object.keys(unknown).length) envelope.unknown = unknown;
  return envelope;
}
