// Videos: a poster frame (JPEG thumbnail), duration and dimensions read with a <video> element.
// The bytes go as picked.
import { dimension, thumbnailOf } from './canvas';
import type { PreparedAttachment } from './types';

const POSTER_AT_S = 0.1;
const LOAD_TIMEOUT_MS = 15_000;
/** Seeking is a nicety (a better poster, a known duration): it gets less patience than loading. */
const SEEK_TIMEOUT_MS = 3_000;
const MAX_DURATION_MS = 24 * 3600 * 1000;

/** Thrown when the browser cannot play the video: it then goes as a plain file. */
export class UnplayableVideo extends Error {}

/** Resolves true on `event`, false on timeout or a media error. */
function waitFor(video: HTMLVideoElement, event: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean) {
      window.clearTimeout(timer);
      video.removeEventListener(event, done);
      video.removeEventListener('error', failed);
      resolve(ok);
    }
    const done = () => finish(true);
    const failed = () => finish(false);
    video.addEventListener(event, done);
    video.addEventListener('error', failed);
  });
}

async function seek(video: HTMLVideoElement, seconds: number): Promise<boolean> {
  const seeked = waitFor(video, 'seeked', SEEK_TIMEOUT_MS);
  video.currentTime = seconds;
  return seeked;
}

/**
 * A WebM written by MediaRecorder has no duration in its header (the element says Infinity).
 * Seeking far past the end makes the browser scan to the end and learn it.
 */
async function findDuration(video: HTMLVideoElement): Promise<number> {
  if (Number.isFinite(video.duration)) return video.duration;
  await seek(video, 1e9);
  return video.duration;
}

export async function prepareVideo(file: File, name: string, mime: string): Promise<PreparedAttachment> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    const loaded = waitFor(video, 'loadeddata', LOAD_TIMEOUT_MS);
    video.src = url;
    if (!(await loaded)) throw new UnplayableVideo('This video’s format cannot be played here.');
    const { videoWidth: width, videoHeight: height } = video;
    const duration = await findDuration(video);
    const durationMs = Number.isFinite(duration) && duration >= 0 ? Math.round(duration * 1000) : undefined;
    let thumbnail: string | undefined;
    if (width > 0 && height > 0) {
      // Slightly in, since many videos open on a black frame. If the seek fails the poster is
      // whatever frame is showing: still better than none.
      const target = durationMs !== undefined ? Math.min(POSTER_AT_S, duration / 2) : POSTER_AT_S;
      await seek(video, target);
      thumbnail = await thumbnailOf(video, width, height);
    }
    return {
      blob: file,
      name,
      mime,
      kind: 'video',
      width: dimension(width),
      height: dimension(height),
      durationMs: durationMs !== undefined && durationMs <= MAX_DURATION_MS ? durationMs : undefined,
      thumbnail,
    };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
