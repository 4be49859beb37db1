import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

async function* chunks(sizes: number[]): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (const n of sizes) yield Uint8Array.from({ length: n }, () => next++ % 256);
}

describe('coalesce', () => {
  it('joins small chunks up to the minimum, keeps every byte in order, and ends with the rest', async () => {
    const out: Buffer[] = [];
    for await (const c of coalesce(chunks([3, 3, 3, 10, 1, 2]), 8)) out.push(c);
    expect(out.map((c) => c.length)).toEqual([9, 10, 3]);
    expect([...Buffer.concat(out)]).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it('yields nothing for an empty source', async () => {
    const out: Buffer[] = [];
    for await (const c of coalesce(chunks([]), 8)) out.push(c);
    expect(out).toEqual([]);
  });
});
