// Images: decoded with their orientation applied, re-encoded through a canvas so that nothing but
// pixels leaves (no EXIF, no GPS, no XMP, no ICC, no maker notes), with a thumbnail and dimensions.
import { canvasToBlob, dimension, drawOpaque, thumbnailOf } from './canvas';
import { stripGifMetadata } from './gif';
import { encodedMime, type ImagePlan } from './kind';
import { cleanName, withExtension } from './names';
import type { PreparedAttachment } from './types';

const JPEG_QUALITY = 0.9;

/** Thrown when the browser cannot decode the picture: it then goes as a plain file. */
export class UndecodableImage extends Error {}

async function decode(blob: Blob): Promise<ImageBitmap> {
  try {
    // 'from-image' applies the EXIF orientation before the EXIF is dropped, so a phone photo
    // taken upright stays upright without its metadata.
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new UndecodableImage('This picture’s format cannot be shown here.');
  }
}

export async function prepareImage(file: File, plan: ImagePlan): Promise<PreparedAttachment> {
  if (plan === 'gif') return prepareGif(file);
  const bitmap = await decode(file);
  try {
    const { width, height } = bitmap;
    const canvas = drawOpaque(bitmap, width, height, plan === 'jpeg');
    const mime = encodedMime(plan);
    const blob = await canvasToBlob(canvas, mime, plan === 'jpeg' ? JPEG_QUALITY : undefined);
    const thumbnail = await thumbnailOf(canvas, width, height);
    const ext = plan === 'png' ? 'png' : 'jpg';
    return {
      blob,
      name: cleanName(withExtension(cleanName(file.name, 'image'), ext)),
      mime,
      kind: 'image',
      width: dimension(width),
      height: dimension(height),
      thumbnail,
    };
  } finally {
    bitmap.close();
  }
}

async function prepareGif(file: File): Promise<PreparedAttachment> {
  const cleaned = stripGifMetadata(new Uint8Array(await file.arrayBuffer()));
  if (!cleaned) {
    // Not a GIF we can read block by block: send a still PNG of it instead, never the raw bytes
    // as an image.
    return prepareImage(new File([file], withExtension(file.name, 'png'), { type: 'image/png' }), 'png');
  }
  const blob = new Blob([cleaned.bytes], { type: 'image/gif' });
  const name = cleanName(withExtension(cleanName(file.name, 'image'), 'gif'));
  let bitmap: ImageBitmap;
  try {
    bitmap = await decode(blob);
  } catch {
    // Well-formed blocks but pictures the browser cannot draw: a file, but still the cleaned one.
    return { blob, name, mime: 'image/gif', kind: 'file', note: 'Sent as a file: this picture cannot be shown here.' };
  }
  try {
    return {
      blob,
      name,
      mime: 'image/gif',
      kind: 'image',
      width: dimension(bitmap.width),
      height: dimension(bitmap.height),
      thumbnail: await thumbnailOf(bitmap, bitmap.width, bitmap.height),
    };
  } finally {
    bitmap.close();
  }
}
