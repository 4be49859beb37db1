// Thumbnails: at most 320 px on the long side, JPEG, at most 16 KiB. The steps are pure so they
// can be tested; the canvas work that runs them is in canvas.ts.

export const THUMBNAIL_MAX_SIDE = 320;
/** Bytes of JPEG; the contract allows the base64 of this much (21848 characters). */
export const THUMBNAIL_MAX_BYTES = 16 * 1024;

const SIDES = [THUMBNAIL_MAX_SIDE, 240, 160, 96] as const;
const QUALITIES = [0.8, 0.7, 0.6, 0.5, 0.4, 0.3] as const;

export interface ThumbnailStep {
  maxSide: number;
  quality: number;
}

/**
 * The order to try: lower the quality first (a smaller picture is worse than a softer one), and
 * only when even the lowest quality is too big, a smaller size.
 */
export function thumbnailSteps(): ThumbnailStep[] {
  return SIDES.flatMap((maxSide) => QUALITIES.map((quality) => ({ maxSide, quality })));
}

/** Scales down (never up) to fit `maxSide`, keeping the aspect ratio; at least 1×1. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 1, height: 1 };
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Runs the steps until one encodes small enough. Returns those bytes, or null when none fits (the
 * file then goes without a thumbnail rather than with an oversized one the core would refuse).
 */
export async function pickThumbnail(
  encode: (step: ThumbnailStep) => Promise<Uint8Array | null>,
  maxBytes = THUMBNAIL_MAX_BYTES,
): Promise<Uint8Array | null> {
  for (const step of thumbnailSteps()) {
    const bytes = await encode(step);
    if (bytes && bytes.length > 0 && bytes.length <= maxBytes) return bytes;
  }
  return null;
}
