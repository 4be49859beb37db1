// GIFs lose their metadata but keep their frames, timing and loop count.
import { describe, expect, it } from 'vitest';
import { stripGifMetadata } from './gif';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

const parts = {
  header: [...ascii('GIF89a'), 2, 0, 1, 0, 0x80, 0, 0, /* the colour table: 2 entries */ 0, 0, 0, 255, 255, 255],
  loop: [0x21, 0xff, 11, ...ascii('NETSCAPE2.0'), 3, 1, 0, 0, 0],
  comment: [0x21, 0xfe, 5, ...ascii('hello'), 0],
  xmp: [0x21, 0xff, 11, ...ascii('XMP DataXMP'), 4, ...ascii('GPS!'), 2, ...ascii('42'), 0],
  control: [0x21, 0xf9, 4, 0, 10, 0, 0, 0],
  image: [0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0, /* LZW min code size */ 2, 2, 0x4c, 0x01, 0],
  trailer: [0x3b],
};

function gif(...blocks: number[][]): Uint8Array {
  return new Uint8Array(blocks.flat());
}

describe('GIF cleaning', () => {
  it('drops comments, XMP and what follows the trailer, keeping frames, timing and the loop', () => {
    const input = gif(parts.header, parts.loop, parts.comment, parts.xmp, parts.control, parts.image, parts.control, parts.image, parts.trailer, ascii('SECRET'));
    const clean = stripGifMetadata(input);
    expect(clean).not.toBeNull();
    expect(Array.from(clean?.bytes ?? [])).toEqual(Array.from(gif(parts.header, parts.loop, parts.control, parts.image, parts.control, parts.image, parts.trailer)));
    expect(clean?.width).toBe(2);
    expect(clean?.height).toBe(1);
    const text = String.fromCharCode(...(clean?.bytes ?? []));
    expect(text).not.toContain('hello');
    expect(text).not.toContain('GPS!');
    expect(text).not.toContain('SECRET');
  });

  it('keeps a local colour table with its image', () => {
    const withLocal = [0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0x80, 1, 2, 3, 4, 5, 6, 2, 2, 0x4c, 0x01, 0];
    const clean = stripGifMetadata(gif(parts.header, withLocal, parts.trailer));
    expect(Array.from(clean?.bytes ?? [])).toEqual([...parts.header, ...withLocal, ...parts.trailer]);
  });

  it('refuses what is not a well-formed GIF', () => {
    expect(stripGifMetadata(new Uint8Array(ascii('PNG not a gif')))).toBeNull();
    // Cut inside the image data: no trailer.
    expect(stripGifMetadata(gif(parts.header, parts.image.slice(0, 12)))).toBeNull();
    // Ends without a trailer.
    expect(stripGifMetadata(gif(parts.header, parts.image))).toBeNull();
    // An unknown block introducer.
    expect(stripGifMetadata(gif(parts.header, [0x99], parts.trailer))).toBeNull();
    expect(stripGifMetadata(new Uint8Array(0))).toBeNull();
  });
});
