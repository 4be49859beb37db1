// Canvas work shared by images and video posters. Browser-only (covered by the e2e tests).
import { bytesToBase64 } from './base64';
import { fitWithin, pickThumbnail, THUMBNAIL_MAX_SIDE } from './thumbnail';

export function createCanvas(width: number, height: number): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This window cannot draw pictures (no 2D canvas).');
  return { canvas, context };
}

export function canvasToBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be encoded (too large to draw?).'))),
      type,
      quality,
    );
  });
}

/**
 * Draws `source` (width × height) onto a canvas of the same size. A white ground under JPEG, which
 * has no transparency: a transparent PNG or WebP would otherwise turn black.
 */
export function drawOpaque(source: CanvasImageSource, width: number, height: number, opaque: boolean): HTMLCanvasElement {
  const { canvas, context } = createCanvas(width, height);
  if (opaque) {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
  }
  context.drawImage(source, 0, 0, width, height);
  return canvas;
}

/** A JPEG thumbnail of `source` as base64, or undefined when none fits the size cap. */
export async function thumbnailOf(source: CanvasImageSource, width: number, height: number): Promise<string | undefined> {
  // Draw once at the largest size and scale that down for smaller steps: cheaper than redrawing
  // a big photo for every attempt.
  const first = fitWithin(width, height, THUMBNAIL_MAX_SIDE);
  const base = drawOpaque(source, first.width, first.height, true);
  const bytes = await pickThumbnail(async ({ maxSide, quality }) => {
    const size = fitWithin(first.width, first.height, maxSide);
    const canvas = size.width === first.width ? base : drawOpaque(base, size.width, size.height, true);
    const blob = await canvasToBlob(canvas, 'image/jpeg', quality);
    return new Uint8Array(await blob.arrayBuffer());
  });
  return bytes ? bytesToBase64(bytes) : undefined;
}

/** The contract takes dimensions 1-65535; anything else is left out rather than refused. */
export function dimension(value: number): number | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}
