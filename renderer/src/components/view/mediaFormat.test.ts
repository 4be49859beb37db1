import { describe, expect, it } from 'vitest';
import { fileTypeLabel, fitBox, formatBytes, formatDuration, percent, thumbnailUrl } from './mediaFormat';

describe('media in words and boxes', () => {
  it('sizes read like the limits the core names', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100 MB');
  });

  it('durations as a clock', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(12_400)).toBe('0:12');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('a box from the metadata keeps the aspect, fits 320 px, and has a default', () => {
    expect(fitBox(640, 480)).toEqual({ width: 320, height: 240 });
    expect(fitBox(100, 50)).toEqual({ width: 100, height: 50 });
    expect(fitBox(400, 4000)).toEqual({ width: 48, height: 320 });
    expect(fitBox(null, null)).toEqual({ width: 240, height: 180 });
  });

  it('only plain base64 becomes a thumbnail URL', () => {
    expect(thumbnailUrl('/9j/4AAQ')).toBe('data:image/jpeg;base64,/9j/4AAQ');
    expect(thumbnailUrl('" onerror="x')).toBeNull();
    expect(thumbnailUrl(null)).toBeNull();
  });

  it('percent is whole, clamped, and 0 for an unknown total', () => {
    expect(percent({ state: 'downloading', transferred: 1, total: 3, error: null })).toBe(33);
    expect(percent({ state: 'downloading', transferred: 5, total: 0, error: null })).toBe(0);
    expect(percent({ state: 'downloading', transferred: 9, total: 3, error: null })).toBe(100);
  });

  it('the type is the extension, else the MIME subtype', () => {
    expect(fileTypeLabel({ name: 'report.pdf', mime: 'application/pdf' })).toBe('PDF');
    expect(fileTypeLabel({ name: 'README', mime: 'text/plain; charset=utf-8' })).toBe('PLAIN');
  });
});
