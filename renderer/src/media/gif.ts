// GIF without metadata, animation kept. Re-encoding a GIF through a canvas would freeze it on its
// first frame, so instead the file is rewritten block by block, keeping only what draws pictures:
// the header, colour tables, image data, graphic control (frame timing, transparency), plain text,
// and the NETSCAPE2.0/ANIMEXTS1.0 loop count. Comments, XMP, ICC profiles, unknown extensions and
// anything after the trailer are dropped.

const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9;
const PLAIN_TEXT = 0x01;
const APPLICATION = 0xff;
const LOOP_APPLICATIONS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

export interface CleanGif {
  bytes: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
}

class Truncated extends Error {}

/** Returns the cleaned GIF, or null when the bytes are not a well-formed GIF. */
export function stripGifMetadata(input: Uint8Array): CleanGif | null {
  try {
    return strip(input);
  } catch (err) {
    if (err instanceof Truncated) return null;
    throw err;
  }
}

function strip(b: Uint8Array): CleanGif | null {
  const at = (i: number): number => {
    const v = b[i];
    if (v === undefined) throw new Truncated();
    return v;
  };
  const signature = String.fromCharCode(...b.subarray(0, 6));
  if (signature !== 'GIF87a' && signature !== 'GIF89a') return null;
  const width = at(6) | (at(7) << 8);
  const height = at(8) | (at(9) << 8);
  const packed = at(10);
  let pos = 13 + (packed & 0x80 ? 3 * (1 << ((packed & 0x07) + 1)) : 0);
  if (pos > b.length) throw new Truncated();

  const kept: Uint8Array[] = [b.subarray(0, pos)];
  /** The end of a run of data sub-blocks starting at `from` (just past its zero terminator). */
  const subBlocksEnd = (from: number): number => {
    let i = from;
    for (let size = at(i); size !== 0; size = at(i)) i += size + 1;
    return i + 1;
  };

  for (;;) {
    const introducer = at(pos);
    if (introducer === TRAILER) {
      kept.push(b.subarray(pos, pos + 1));
      break;
    }
    if (introducer === IMAGE) {
      const localPacked = at(pos + 9);
      const table = localPacked & 0x80 ? 3 * (1 << ((localPacked & 0x07) + 1)) : 0;
      // Descriptor (10 bytes), local colour table, LZW minimum code size (1 byte), then data.
      const end = subBlocksEnd(pos + 10 + table + 1);
      kept.push(b.subarray(pos, end));
      pos = end;
    } else if (introducer === EXTENSION) {
      const label = at(pos + 1);
      const end = subBlocksEnd(pos + 2);
      if (label === GRAPHIC_CONTROL || label === PLAIN_TEXT) kept.push(b.subarray(pos, end));
      else if (label === APPLICATION && at(pos + 2) === 11) {
        const id = String.fromCharCode(...b.subarray(pos + 3, pos + 14));
        if (LOOP_APPLICATIONS.has(id)) kept.push(b.subarray(pos, end));
      }
      pos = end;
    } else {
      return null;
    }
  }

  const total = kept.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of kept) {
    out.set(part, offset);
    offset += part.length;
  }
  return { bytes: out, width, height };
}
