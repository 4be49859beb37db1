// The browser mode's "Open" is offered by the renderer (showsInTab on the attachment's type) and
// served by the host (mediaTypeFor): the two lists must agree, or the card offers an "Open" that
// only downloads — or hides one that would work. This pins them together across the boundary.
import { describe, expect, it } from 'vitest';
import { mediaTypeFor } from '../electron/service/mediaRoutes';
import { showsInTab } from '../renderer/src/bridge/browserBridge';

const TYPES = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/heic', 'image/heif', 'IMAGE/PNG; x=y',
  'image/svg+xml', 'image/tiff', 'image/x-icon',
  'audio/ogg', 'audio/webm;codecs=opus', 'audio/mpeg', 'video/mp4', 'video/webm', 'video/quicktime',
  'text/plain', 'Text/Plain; charset=iso-8859-1', 'text/html', 'text/csv', 'text/markdown', 'text/javascript', 'text/xml',
  'application/pdf', 'application/octet-stream', 'application/zip', 'application/x-msdownload', 'application/xhtml+xml', 'application/json',
  '', 'nonsense',
];

describe('what the browser mode opens in a tab', () => {
  it.each(TYPES)('%s: offered exactly when the host serves it as itself', (mime) => {
    const served = mediaTypeFor(mime);
    expect(showsInTab(mime)).toBe(served !== 'application/octet-stream');
    // What the bridge then sees on the HEAD answer agrees too.
    expect(showsInTab(served)).toBe(served !== 'application/octet-stream');
  });
});
