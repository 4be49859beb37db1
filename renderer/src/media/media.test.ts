// The composer's pure media helpers: what a file is sent as, what the user reads, what is sent.
import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './base64';
import { formatDuration, formatSize, limitMessage } from './format';
import { decideKind, encodedMime } from './kind';
import { limitProblem } from './limits';
import { cleanName, extensionForMime, MAX_NAME_LENGTH, voiceMessageName, withExtension } from './names';
import { pasteWantsFiles } from './paste';
import { fitWithin, pickThumbnail, THUMBNAIL_MAX_BYTES, thumbnailSteps } from './thumbnail';
import { waveformPeaks } from './waveform';

const MiB = 1024 * 1024;

describe('kind decision', () => {
  it('sends pictures as images, PNG kept as PNG and the rest as JPEG', () => {
    expect(decideKind('image/png')).toEqual({ kind: 'image', image: 'png' });
    expect(decideKind('image/jpeg')).toEqual({ kind: 'image', image: 'jpeg' });
    expect(decideKind('image/webp')).toEqual({ kind: 'image', image: 'jpeg' });
    expect(decideKind('image/heic')).toEqual({ kind: 'image', image: 'jpeg' });
    expect(encodedMime('png')).toBe('image/png');
    expect(encodedMime('jpeg')).toBe('image/jpeg');
  });

  it('keeps a GIF animated and never renders an SVG', () => {
    expect(decideKind('image/gif')).toEqual({ kind: 'image', image: 'gif' });
    expect(decideKind('image/svg+xml')).toEqual({ kind: 'file' });
    expect(decideKind('IMAGE/SVG+XML; charset=utf-8')).toEqual({ kind: 'file' });
  });

  it('makes a voice message only of a recording; audio files from disk are files', () => {
    expect(decideKind('audio/webm', { recorded: true })).toEqual({ kind: 'voice' });
    expect(decideKind('audio/mpeg')).toEqual({ kind: 'file' });
    expect(decideKind('audio/ogg; codecs=opus')).toEqual({ kind: 'file' });
  });

  it('sends videos as videos and everything else, unknown types too, as files', () => {
    expect(decideKind('video/mp4')).toEqual({ kind: 'video' });
    expect(decideKind('Video/WebM')).toEqual({ kind: 'video' });
    expect(decideKind('application/pdf')).toEqual({ kind: 'file' });
    expect(decideKind('')).toEqual({ kind: 'file' });
  });
});

describe('sizes and durations', () => {
  it('formats sizes in binary multiples with one decimal below 10', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(1023)).toBe('1023 bytes');
    expect(formatSize(1024)).toBe('1 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(100 * MiB)).toBe('100 MB');
    expect(formatSize(140 * MiB)).toBe('140 MB');
    expect(formatSize(2.25 * MiB)).toBe('2.3 MB');
    expect(formatSize(3 * 1024 * MiB)).toBe('3 GB');
    expect(formatSize(-1)).toBe('?');
  });

  it('formats durations as m:ss, h:mm:ss past an hour, rounding down', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_999)).toBe('0:07');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('limits', () => {
  const account = { networkName: 'XMPP', address: 'alice@example.org', attachmentLimits: { image: 100 * MiB, voice: 100 * MiB, video: 100 * MiB, file: 100 * MiB } };

  it('names the kind, the network, the limit and the size', () => {
    expect(limitMessage('video', 'XMPP', 100 * MiB, 140 * MiB)).toBe('Videos on XMPP can be at most 100 MB; this one is 140 MB.');
    expect(limitMessage('voice', 'Interop', 10 * MiB, 12 * MiB)).toBe('Voice messages on Interop can be at most 10 MB; this one is 12 MB.');
  });

  it('never says a file just over the limit is as big as the limit', () => {
    expect(limitMessage('file', 'XMPP', 100 * MiB, 100 * MiB + 300 * 1024)).toBe('Files on XMPP can be at most 100 MB; this one is 100.3 MB.');
  });

  it('refuses over the limit, allows at the limit', () => {
    expect(limitProblem(account, 'video', 100 * MiB)).toBeNull();
    expect(limitProblem(account, 'video', 140 * MiB)).toBe('Videos on XMPP can be at most 100 MB; this one is 140 MB.');
  });

  it('says an account without limits cannot send files yet, and names a missing kind', () => {
    expect(limitProblem({ ...account, attachmentLimits: null }, 'image', 10)).toMatch(/^alice@example\.org cannot send files yet/);
    expect(limitProblem({ ...account, attachmentLimits: { file: MiB } }, 'video', 10)).toBe('Videos cannot be sent on XMPP.');
    expect(limitProblem(undefined, 'file', 10)).toMatch(/account is gone/);
  });
});

describe('waveform', () => {
  it('reduces samples to 64 peaks scaled so the loudest is 255', () => {
    const samples = new Float32Array(6400);
    for (let i = 0; i < samples.length; i++) samples[i] = (i % 2 ? -1 : 1) * (Math.floor(i / 100) / 63);
    const peaks = waveformPeaks(samples);
    expect(peaks).toHaveLength(64);
    expect(peaks[0]).toBe(0);
    expect(peaks[63]).toBe(255);
    expect(peaks[21]).toBe(85);
    // Rising input, rising peaks.
    expect(peaks.every((p, i) => i === 0 || p >= (peaks[i - 1] ?? 0))).toBe(true);
  });

  it('takes the louder channel and counts negative samples by their size', () => {
    const left = new Float32Array([0.1, 0.1, 0.1, 0.1]);
    const right = new Float32Array([-0.5, 0, 0, -0.25]);
    expect(waveformPeaks([left, right], 4)).toEqual([255, 51, 51, 128]);
  });

  it('is all zeros for silence, an empty recording or NaN samples', () => {
    expect(waveformPeaks(new Float32Array(1000))).toEqual(new Array(64).fill(0));
    expect(waveformPeaks(new Float32Array(0))).toEqual(new Array(64).fill(0));
    expect(waveformPeaks(new Float32Array([NaN, NaN]), 2)).toEqual([0, 0]);
  });

  it('spreads a clip shorter than the peak count over all peaks', () => {
    expect(waveformPeaks(new Float32Array([0.5, 1]), 4)).toEqual([128, 128, 255, 255]);
  });
});

describe('thumbnails', () => {
  it('steps down quality first, then size, never above 320 px', () => {
    const steps = thumbnailSteps();
    expect(steps[0]).toEqual({ maxSide: 320, quality: 0.8 });
    expect(steps[1]).toEqual({ maxSide: 320, quality: 0.7 });
    expect(steps.every((s) => s.maxSide <= 320 && s.quality > 0 && s.quality <= 1)).toBe(true);
    const sides = steps.map((s) => s.maxSide);
    expect(sides).toEqual([...sides].sort((a, b) => b - a));
  });

  it('picks the first encoding that fits 16 KiB', async () => {
    const tried: string[] = [];
    const bytes = await pickThumbnail(async ({ maxSide, quality }) => {
      tried.push(`${maxSide}@${quality}`);
      // Pretend size falls with quality: 0.8 → 24 KiB, 0.7 → 20 KiB, 0.6 → 16 KiB.
      return new Uint8Array(Math.round(quality * 40) * 1024 - 8 * 1024);
    });
    expect(tried).toEqual(['320@0.8', '320@0.7', '320@0.6']);
    expect(bytes?.length).toBe(THUMBNAIL_MAX_BYTES);
  });

  it('goes smaller when no quality fits, and gives up rather than send too much', async () => {
    const bySide = await pickThumbnail(async ({ maxSide }) => new Uint8Array(maxSide === 160 ? 1000 : 50_000));
    expect(bySide?.length).toBe(1000);
    expect(await pickThumbnail(async () => new Uint8Array(THUMBNAIL_MAX_BYTES + 1))).toBeNull();
    expect(await pickThumbnail(async () => null)).toBeNull();
  });

  it('fits within the box without upscaling', () => {
    expect(fitWithin(4000, 3000, 320)).toEqual({ width: 320, height: 240 });
    expect(fitWithin(1080, 1920, 320)).toEqual({ width: 180, height: 320 });
    expect(fitWithin(100, 50, 320)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(10000, 1, 320)).toEqual({ width: 320, height: 1 });
    expect(fitWithin(0, 0, 320)).toEqual({ width: 1, height: 1 });
  });

  it('encodes base64 like Node, also past the argument limit of fromCharCode', () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(bytesToBase64(new Uint8Array(0))).toBe('');
    // 16 KiB of bytes is exactly what the contract's 21848 characters allow.
    expect(bytesToBase64(new Uint8Array(THUMBNAIL_MAX_BYTES))).toHaveLength(21848);
  });
});

describe('names', () => {
  it('changes the extension to what the bytes became', () => {
    expect(withExtension('IMG_0001.HEIC', 'jpg')).toBe('IMG_0001.jpg');
    expect(withExtension('scan', 'png')).toBe('scan.png');
    expect(withExtension('.hidden', 'png')).toBe('.hidden.png');
    expect(withExtension('archive.tar.gz', 'jpg')).toBe('archive.tar.jpg');
  });

  it('keeps names valid for the core: no separators or control characters, never empty, at most 255', () => {
    expect(cleanName('../../evil.sh')).toBe('.._.._evil.sh');
    expect(cleanName('a\u0000b\nc.txt')).toBe('a_b_c.txt');
    expect(cleanName('   ')).toBe('file');
    expect(cleanName('', 'image')).toBe('image');
    const long = cleanName(`${'x'.repeat(400)}.pdf`);
    expect(long).toHaveLength(MAX_NAME_LENGTH);
    expect(long.endsWith('.pdf')).toBe(true);
    // Counted in characters, so an emoji is never cut in half.
    expect(Array.from(cleanName('😀'.repeat(300)))).toHaveLength(MAX_NAME_LENGTH);
  });

  it('names a voice message by its local time with zero-padded fields', () => {
    expect(voiceMessageName(new Date(2026, 0, 5, 9, 3, 7), 'webm')).toBe('Voice message 2026-01-05 09.03.07.webm');
    expect(extensionForMime('audio/webm;codecs=opus')).toBe('webm');
    expect(extensionForMime('audio/ogg')).toBe('ogg');
    expect(extensionForMime('audio/mp4')).toBe('m4a');
    expect(extensionForMime('')).toBe('bin');
  });
});

describe('paste', () => {
  it('attaches pasted files and images', () => {
    expect(pasteWantsFiles({ fileTypes: ['image/png'], hasText: false, hasHtml: false })).toBe(true);
    expect(pasteWantsFiles({ fileTypes: ['image/png'], hasText: false, hasHtml: true })).toBe(true);
    expect(pasteWantsFiles({ fileTypes: ['application/pdf'], hasText: true, hasHtml: true })).toBe(true);
  });

  it('pastes text when rich text came with a picture of itself, or when there are no files', () => {
    expect(pasteWantsFiles({ fileTypes: ['image/png'], hasText: true, hasHtml: true })).toBe(false);
    expect(pasteWantsFiles({ fileTypes: [], hasText: true, hasHtml: false })).toBe(false);
  });
});
