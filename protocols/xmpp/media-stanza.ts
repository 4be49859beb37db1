// An attachment on the wire (media-design.md, "XMPP wire format"): the GET URL as the body (after
// the caption), XEP-0066 out-of-band data with the same URL, and XEP-0446 file metadata with our
// waveform and thumbnail as extra children in urn:switchboard:media:0. Pure: no I/O.
//
// Everything received is the sender's word, and hostile senders exist: only http/https URLs are
// taken, numbers must be in range or are dropped, names lose control and bidi-override characters
// and are cut to 255 characters, a waveform is at most 64 bytes, a thumbnail at most 16 KiB. Junk is
// ignored, never thrown: the message still arrives as text.
import xml, { type Element } from '@xmpp/xml';
import type { AttachmentKind, RemoteAttachment } from '../adapter.js';
import { NS } from './namespaces.js';

export const MAX_NAME_CHARS = 255;
export const MAX_WAVEFORM = 64;
export const MAX_THUMBNAIL_BYTES = 16 * 1024;
const MAX_URL_CHARS = 4096;
const MAX_DIMENSION = 100_000;
/** A day of audio or video; longer is not a voice message or a clip anyone sends. */
const MAX_DURATION_MS = 24 * 3600 * 1000;
const DEFAULT_MIME = 'application/octet-stream';

/** The message body for an attachment: the URL, after the caption when there is one. */
export function attachmentBody(caption: string, url: string): string {
  return caption ? `${caption}\n${url}` : url;
}

/** The caption in a received body: the body without a last line that is the URL. */
export function captionOf(body: string, url: string): string {
  const lines = body.split('\n');
  if (lines.at(-1)?.trim() !== url) return body;
  lines.pop();
  return lines.join('\n').replace(/\r$/, '');
}

/** The <x/> (XEP-0066) and <file/> (XEP-0446) elements that describe an uploaded attachment. */
export function attachmentElements(attachment: RemoteAttachment): Element[] {
  const url = webUrl(attachment.ref);
  if (!url) throw new Error(`"${attachment.name}" has no http or https address, so it cannot be sent on XMPP (was it uploaded by this adapter?).`);
  const text = (name: string, value: string | number | undefined): Element | null =>
    value === undefined ? null : xml(name, {}, String(value));
  const file = xml('file', { xmlns: NS.fileMetadata },
    text('media-type', attachment.mime),
    text('name', attachment.name),
    text('size', attachment.size),
    text('width', attachment.width),
    text('height', attachment.height),
    text('length', attachment.durationMs),
    attachment.waveform?.length ? xml('waveform', { xmlns: NS.media }, Buffer.from(attachment.waveform).toString('base64')) : null,
    attachment.thumbnail ? xml('thumbnail', { xmlns: NS.media }, attachment.thumbnail) : null,
  );
  return [xml('x', { xmlns: NS.oob }, xml('url', {}, url)), file];
}

/**
 * The one attachment a received message carries (the first out-of-band URL that is http or https),
 * or null. Its ref is the URL.
 */
export function parseAttachment(msg: Element): RemoteAttachment | null {
  let url: string | null = null;
  for (const oob of msg.getChildren('x', NS.oob)) {
    url = webUrl(oob.getChildText('url')?.trim());
    if (url) break;
  }
  if (!url) return null;
  const file = msg.getChild('file', NS.fileMetadata);
  const field = (name: string): string | undefined => file?.getChildText(name)?.trim();
  const mime = cleanMime(field('media-type')) ?? mimeFromUrl(url) ?? DEFAULT_MIME;
  const attachment: RemoteAttachment = {
    kind: kindOf(mime),
    mime,
    // Unknown (or nonsense) is 0: the download then enforces the adapter's own limit instead.
    size: integerIn(field('size'), 0, Number.MAX_SAFE_INTEGER) ?? 0,
    name: cleanName(field('name')) || nameFromUrl(url) || 'file',
    ref: url,
  };
  const width = integerIn(field('width'), 1, MAX_DIMENSION);
  const height = integerIn(field('height'), 1, MAX_DIMENSION);
  const durationMs = integerIn(field('length'), 0, MAX_DURATION_MS);
  const waveform = decodeBase64(file?.getChild('waveform', NS.media)?.text(), MAX_WAVEFORM);
  const thumbnail = decodeBase64(file?.getChild('thumbnail', NS.media)?.text(), MAX_THUMBNAIL_BYTES);
  if (width !== null) attachment.width = width;
  if (height !== null) attachment.height = height;
  if (durationMs !== null) attachment.durationMs = durationMs;
  if (waveform) attachment.waveform = Array.from(waveform);
  if (thumbnail) attachment.thumbnail = thumbnail.toString('base64');
  return attachment;
}

/** image/* is shown as an image, audio/* as a voice message, video/* as a video; the rest as a file. */
export function kindOf(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'voice';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

function webUrl(text: string | undefined | null): string | null {
  if (!text || text.length > MAX_URL_CHARS) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : null;
  } catch {
    return null;
  }
}

function integerIn(text: string | undefined, min: number, max: number): number | null {
  if (!text || !/^\d{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** type/subtype in lower case, parameters dropped; null when it is not a media type. */
function cleanMime(text: string | undefined): string | null {
  const essence = text?.split(';')[0]?.trim().toLowerCase();
  return essence && essence.length <= 127 && /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(essence) ? essence : null;
}

/** Control characters and bidi overrides ("invoice\u202Efdp.exe") removed, at most 255 characters. */
export function cleanName(text: string | undefined): string {
  if (!text) return '';
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim();
  return Array.from(clean).slice(0, MAX_NAME_CHARS).join('');
}

function nameFromUrl(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
  try {
    return cleanName(decodeURIComponent(last));
  } catch {
    return cleanName(last);
  }
}

/** What other clients (Conversations, Dino) send without file metadata, by the URL's extension. */
const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic',
  m4a: 'audio/mp4', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg', aac: 'audio/aac', weba: 'audio/webm',
  mp4: 'video/mp4', m4v: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime',
  pdf: 'application/pdf',
};

function mimeFromUrl(url: string): string | null {
  const extension = new URL(url).pathname.match(/\.([a-z0-9]{1,5})$/i)?.[1]?.toLowerCase();
  return (extension && MIME_BY_EXTENSION[extension]) || null;
}

/** Strict base64 of at most `maxBytes` bytes (checked before decoding), or null. */
function decodeBase64(text: string | undefined, maxBytes: number): Buffer | null {
  const compact = text?.replace(/\s+/g, '');
  if (!compact || compact.length > Math.ceil(maxBytes / 3) * 4 || compact.length % 4 !== 0) return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.length > 0 && bytes.length <= maxBytes ? bytes : null;
}
