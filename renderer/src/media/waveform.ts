// A voice message's waveform: the recording reduced to a few loudness peaks, sent with it.

export const WAVEFORM_PEAKS = 64;

/**
 * The loudest absolute sample of each of `count` equal slices, over all channels, scaled so the
 * loudest slice is 255 (a quiet recording still shows its shape). Silence is all zeros; with
 * fewer samples than slices, neighbouring slices share a sample.
 */
export function waveformPeaks(channels: Float32Array | readonly Float32Array[], count = WAVEFORM_PEAKS): number[] {
  const list = channels instanceof Float32Array ? [channels] : channels;
  const length = Math.max(0, ...list.map((c) => c.length));
  const peaks = new Array<number>(count).fill(0);
  if (length === 0 || count <= 0) return peaks;
  for (let slice = 0; slice < count; slice++) {
    const start = Math.floor((slice * length) / count);
    // At least one sample per slice while samples last, so a short clip still fills its start.
    const end = Math.max(start + 1, Math.floor(((slice + 1) * length) / count));
    let peak = 0;
    for (const channel of list) {
      for (let i = start; i < end && i < channel.length; i++) {
        const v = Math.abs(channel[i] ?? 0);
        // NaN from a broken decoder counts as silence.
        if (v > peak) peak = v;
      }
    }
    peaks[slice] = peak;
  }
  const loudest = Math.max(...peaks);
  if (!(loudest > 0)) return peaks.map(() => 0);
  return peaks.map((p) => Math.min(255, Math.round((p / loudest) * 255)));
}
