// The content envelope: what travels inside the Signal ciphertext. JSON with a strict schema
// (PROTOCOL.md §5): every known field is checked for type and size; unknown fields are kept in
// `unknown` and ignored, so a newer peer can add fields without breaking an older one. The JSON is
// padded (0x80 then zeros, to a multiple of 160 bytes, as Signal pads) so lengths leak less.
import { utf8 } from './bytes.js';

export const ENVELOPE_VERSION = 1;
const PAD_BLOCK = 160;
const MAX_TEXT = 64 * 1024;
const MAX_IDS = 500;

export interface AttachmentPointer {
  kind: 'image' | 'voice' | 'video' | 'file';
  /** Where the ciphertext is (an XEP-0363 URL on the sender's server). */
  url: string;
  mime: string;
  size: number;
  /** AES-256-CBC + HMAC-SHA256 key (64 bytes, base64) and the SHA-256 of the ciphertext. */
  key: string;
  digest: string;
  name?: string;
  width?: number;
  height?: number;
  durationMs?: number;
}

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
    envelope.attachments = raw.attachments.map(attachment);
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

function attachment(value: unknown): AttachmentPointer {
  const a = rec(value, 'attachment');
  const kind = a.kind;
  if (kind !== 'image' && kind !== 'voice' && kind !== 'video' && kind !== 'file') throw new Error('envelope: attachment.kind');
  const url = str(a.url, 'attachment.url', 2048);
  if (!/^https?:\/\//.test(url)) throw new Error('envelope: attachment.url');
  const out: AttachmentPointer = {
    kind, url, mime: str(a.mime, 'attachment.mime', 255), size: num(a.size, 'attachment.size'),
    key: str(a.key, 'attachment.key', 128), digest: str(a.digest, 'attachment.digest', 128),
  };
  if (a.name !== undefined) out.name = str(a.name, 'attachment.name', 255);
  if (a.width !== undefined) out.width = num(a.width, 'attachment.width');
  if (a.height !== undefined) out.height = num(a.height, 'attachment.height');
  if (a.durationMs !== undefined) out.durationMs = num(a.durationMs, 'attachment.durationMs');
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rec(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`envelope: ${field}`);
  return value;
}

function str(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) throw new Error(`envelope: ${field}`);
  return value;
}

function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`envelope: ${field}`);
  return value;
}
