// A recording's exact duration and its waveform, read by decoding it once.
import { waveformPeaks } from './waveform';

export interface RecordingAnalysis {
  durationMs: number;
  waveform: number[];
}

/**
 * Decodes with an OfflineAudioContext: it decodes like an AudioContext but opens no audio output
 * and needs no user gesture. Returns null when the recording cannot be decoded (it is still sent,
 * with the timer's duration and no waveform).
 */
export async function analyseRecording(blob: Blob): Promise<RecordingAnalysis | null> {
  try {
    const context = new OfflineAudioContext(1, 1, 48_000);
    const buffer = await context.decodeAudioData(await blob.arrayBuffer());
    const channels: Float32Array[] = [];
    for (let c = 0; c < buffer.numberOfChannels; c++) channels.push(buffer.getChannelData(c));
    return { durationMs: Math.round(buffer.duration * 1000), waveform: waveformPeaks(channels) };
  } catch {
    return null;
  }
}
