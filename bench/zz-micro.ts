import { tokenize } from '../electron/store/search-terms';
import { previewOf } from '../electron/store/rows';
import { bodyMaker, rng } from './generate';
const body = bodyMaker(rng(3));
const bodies = Array.from({ length: 100_000 }, () => body());
for (const [name, fn] of [['tokenize', tokenize], ['preview', previewOf]] as const) {
  const t0 = performance.now(); for (const b of bodies) fn(b); console.log(name, ((performance.now() - t0) / 100).toFixed(2), 'µs/msg');
}
