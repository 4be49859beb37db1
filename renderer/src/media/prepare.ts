// From a picked, dropped or pasted file to a PreparedAttachment: kind decided, image cleaned,
// video described. Files the browser cannot decode go as plain files, saying so.
import { analyseRecording } from './audio';
import { decideKind } from './kind';
import { cleanName, extensionForMime, voiceMessageName } from './names';
import { prepareImage, UndecodableImage } from './image';
import type { PreparedAttachment } from './types';
import { prepareVideo, UnplayableVideo } from './video';

const OCTET_STREAM = 'application/octet-stream';

function asFile(file: File, name: string, mime: string, note?: string): PreparedAttachment {
  return { blob: file, name, mime, kind: 'file', ...(note ? { note } : {}) };
}

export async function prepareFile(file: File): Promise<PreparedAttachment> {
  const decision = decideKind(file.type);
  const name = cleanName(file.name);
  const mime = file.type.trim() === '' ? OCTET_STREAM : file.type;
  if (decision.kind === 'image' && decision.image) {
    try {
      return await prepareImage(file, decision.image);
    } catch (err) {
      if (err instanceof UndecodableImage) return asFile(file, name, mime, 'Sent as a file: this picture cannot be shown here.');
      throw err;
    }
  }
  if (decision.kind === 'video') {
    try {
      return await prepareVideo(file, name, mime);
    } catch (err) {
      if (err instanceof UnplayableVideo) return asFile(file, name, mime, 'Sent as a file: this video cannot be played here.');
      throw err;
    }
  }
  return asFile(file, name, mime);
}

/** A recording made in the composer, as a voice message. `elapsedMs` is the timer's count. */
export async function prepareRecording(blob: Blob, elapsedMs: number, at = new Date()): Promise<PreparedAttachment> {
  // The recorder's type may carry codecs ("audio/webm;codecs=opus"); the message keeps the plain
  // type, which is what the receiver's player and the core's media route look at.
  const mime = (blob.type.split(';')[0] ?? '').trim() || 'audio/webm';
  const analysis = await analyseRecording(blob);
  return {
    blob,
    name: voiceMessageName(at, extensionForMime(mime)),
    mime,
    kind: 'voice',
    durationMs: Math.round(analysis?.durationMs ?? elapsedMs),
    ...(analysis ? { waveform: analysis.waveform } : {}),
  };
}
