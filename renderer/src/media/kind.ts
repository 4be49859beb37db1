// Which kind a picked file is sent as, and how an image is cleaned before it goes.
import type { AttachmentKind } from './types';

/**
 * How an image's bytes are made safe to send: re-encoded through a canvas as PNG or JPEG (which
 * drops EXIF, GPS and every other metadata block), or, for GIF, cleaned block by block so that the
 * animation survives.
 */
export type ImagePlan = 'png' | 'jpeg' | 'gif';

export interface KindDecision {
  kind: AttachmentKind;
  /** Set for kind 'image' only. */
  image?: ImagePlan;
}

/** The media type without parameters, lower case: "Audio/WebM; codecs=opus" → "audio/webm". */
export function baseMime(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * - A recording made in the composer is 'voice'. An audio file picked from disk is a 'file': the
 *   voice player shows a waveform and a played dot, which a song or a podcast does not have, and
 *   its name matters to the receiver.
 * - SVG is always a 'file': it is a document that can carry script, never rendered.
 * - GIF stays an animated 'image' (cleaned by gif.ts, not re-encoded, which would freeze it).
 * - PNG stays PNG (screenshots and transparency); every other image becomes JPEG at 0.9.
 * - video/* is 'video'; everything else, including an unknown type, is a 'file'.
 */
export function decideKind(mime: string, options: { recorded?: boolean } = {}): KindDecision {
  if (options.recorded) return { kind: 'voice' };
  const type = baseMime(mime);
  if (type === 'image/svg+xml') return { kind: 'file' };
  if (type === 'image/gif') return { kind: 'image', image: 'gif' };
  if (type === 'image/png' || type === 'image/apng') return { kind: 'image', image: 'png' };
  if (type.startsWith('image/')) return { kind: 'image', image: 'jpeg' };
  if (type.startsWith('video/')) return { kind: 'video' };
  return { kind: 'file' };
}

/** The type an image leaves with once processed. */
export function encodedMime(plan: ImagePlan): string {
  return plan === 'png' ? 'image/png' : plan === 'gif' ? 'image/gif' : 'image/jpeg';
}
