// Videos: a poster frame (JPEG thumbnail), duration and dimensions read with a <video> element.
// The bytes go as picked.
import { dimension, thumbnailOf } from './canvas';
import type { PreparedAttachment } from './types';

const POSTER_AT_S = 0.1;
const LOAD_TIMEOUT_MS = 15_000;

/** Thrown when the browser cannot play the video: it then goes as a plain file. */
export class UnplayableVideo extends Error {}

function once(target: HTMLVideoElement, event: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => finish(new UnplayableVideo('This video took too long to open.')), timeoutMs);
    function finish(error?: Error) {
      window.clearTimeout(timer);
      target.removeEventListener(event, ok);
      target.removeEventListener('error', failed);
      if (error) reject(error);
      else resolve();
    }
    const ok = () => finish();
    const failed = () => finish(new UnplayableVideo('This video’s format cannot be played here.'));
    target.addEventListener(event, ok);
    target.addEventListener('error', failed);
  });
}

export async function prepareVideo(file: File, name: string, mime: string): Promise<PreparedAttachment> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    const loaded = once(video, 'loadeddata', LOAD_TIMEOUT_MS);
    video.src = url;
    await loaded;
    const { videoWidth: width, videoHeight: height } = video;
    // A MediaRecorder WebM often reports Infinity until played through: then no duration is sent.
    const durationMs = Number.isFinite(video.duration) ? Math.round(video.duration * 1000) : undefined;
    let thumbnail: string | undefined;
    if (width > 0 && height > 0) {
      // Slightly in, since many videos open on a black frame.
      const target = Number.isFinite(video.duration) ? Math.min(POSTER_AT_S, video.duration / 2) : POSTER_AT_S;
      if (target > 0) {
        const seeked = once(video, 'seeked', LOAD_TIMEOUT_MS);
        video.currentTime = target;
        await seeked;
      }
      thumbnail = await thumbnailOf(video, width, height);
    }
    return {
      blob: file,
      name,
      mime,
      kind: 'video',
      width: dimension(width),
      height: dimension(height),
      durationMs: durationMs !== undefined && durationMs <= 24 * 3600 * 1000 ? durationMs : undefined,
      thumbnail,
    };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
