// Electron's sbmedia:// door, without Electron: the same routes as the host, and CORS only for the
// app's own (file://) page.
import { describe, expect, it } from 'vitest';
import { serveMediaScheme } from './mediaScheme';
import type { MediaDoor } from './service/mediaRoutes';

const staged = { stagedId: 'c'.repeat(64), size: 5 };
const door: MediaDoor = {
  async stage(body) {
    let size = 0;
    for await (const chunk of body) size += chunk.length;
    return { ...staged, size };
  },
  fileOf: () => undefined,
};

const post = (origin?: string) =>
  new Request('sbmedia://app/media/stage?name=a.png', {
    method: 'POST',
    body: 'hello',
    headers: origin === undefined ? {} : { Origin: origin },
  });

describe('the sbmedia:// door', () => {
  it('stages for the app page and lets it read the answer', async () => {
    for (const origin of ['null', 'file://']) {
      const res = await serveMediaScheme(door, post(origin));
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(await res.json()).toEqual({ ok: true, value: { ...staged, size: 5 } });
    }
  });

  it('refuses writes from anything but the app page', async () => {
    expect((await serveMediaScheme(door, post())).status).toBe(403);
    expect((await serveMediaScheme(door, post('https://evil.example'))).status).toBe(403);
    const preflight = new Request('sbmedia://app/media/stage', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect((await serveMediaScheme(door, preflight)).status).toBe(403);
  });

  it('answers the app page preflight', async () => {
    const res = await serveMediaScheme(door, new Request('sbmedia://app/media/stage', { method: 'OPTIONS', headers: { Origin: 'null' } }));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves reads through the shared routes, and nothing outside sbmedia://app', async () => {
    const missing = await serveMediaScheme(door, new Request('sbmedia://app/media/12'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    // The window's file:// page is another origin to sbmedia://: a same-origin CORP (the browser host's) would blank every image.
    expect(missing.headers.get('cross-origin-resource-policy')).toBeNull();
    expect((await serveMediaScheme(door, new Request('sbmedia://other/media/12'))).status).toBe(404);
  });
});
