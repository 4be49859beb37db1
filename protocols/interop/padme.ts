// Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
// with PURBs", PETS 2019): a length L is rounded up so that only its top ~log2(log2(L)) + 1 bits can
// be non-zero. The overhead is at most ~12% (and shrinks as files grow), and a length reveals
// O(log log L) bits instead of log L. PROTOCOL.md §6 gives the same formula.
//
// Plain Number arithmetic, not 32-bit bitwise operators: file sizes pass 2^31. Every value here is a
// power of two or a multiple of one below 2^53, so it is exact.

/** Bit length of a positive integer: floor(log2(n)) + 1, exactly (Math.log2 may round near powers of two). */
function bitLength(n: number): number {
  let bits = 0;
  for (let v = n; v >= 1; v = Math.floor(v / 2)) bits++;
  return bits;
}

/** The bucket step for a length ≥ 2: every padded length with the same top bit is a multiple of it. */
function step(length: number): number {
  const e = bitLength(length) - 1; // floor(log2 L)
  const s = bitLength(e); // floor(log2 E) + 1
  return 2 ** (e - s);
}

/** The padded length: L for L < 2 (nothing to hide), else L rounded up to a multiple of 2^(E - S). */
export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`padme: ${length} is not a length`);
  if (length < 2) return length;
  const unit = step(length);
  return Math.ceil(length / unit) * unit;
}

/**
 * The largest length whose padded length is at most `max` (−1 when even 0 is too much). Padded
 * lengths are fixed points of padme and it is monotonic, so this is the largest multiple of the
 * step that fits: every length above it pads past `max`.
 */
export function largestFitting(max: number): number {
  if (max < 0) return -1;
  const whole = Math.floor(max);
  if (whole < 2) return whole;
  const unit = step(whole);
  return Math.floor(whole / unit) * unit;
}
