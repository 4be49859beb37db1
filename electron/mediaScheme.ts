// Electron's door to the media routes: the privileged `sbmedia://app/…` scheme (registered in
// main.ts), answered by the same handler the headless host mounts (service/mediaRoutes.ts).
//
// The window's page is a file:// page, so to it sbmedia:// is another origin: <img>/<audio>/<video>
// load from it freely, and its fetch (staging) is a CORS request. Only the app's own page — the
// only page the locked-down window can show — may write, and may read the answer.
//
// Kept free of Electron imports so it can be tested without the Electron binary.

import { MEDIA_SCHEME } from './ipcChannels';
import { handleMediaRequest, type MediaDoor } from './service/mediaRoutes';

/** How Chromium names a file:// page's origin in an Origin header (it has varied: opaque or "file://"). */
const PAGE_ORIGINS: ReadonlySet<string> = new Set(['null', 'file://']);

function corsHeaders(origin: string | null): Record<string, string> {
  return origin !== null && PAGE_ORIGINS.has(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}

export async function serveMediaScheme(door: MediaDoor, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.host !== 'app') return new Response('Not found', { status: 404 });
  const origin = request.headers.get('origin');
  const cors = corsHeaders(origin);
  const fromOwnPage = 'Access-Control-Allow-Origin' in cors;
  if (request.method === 'OPTIONS') {
    return new Response(null, {
      status: fromOwnPage ? 204 : 403,
      headers: { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, POST', 'Access-Control-Allow-Headers': 'content-type, range' },
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && !fromOwnPage) return new Response('Forbidden', { status: 403 });
  const response = await handleMediaRequest(door, request);
  if (!fromOwnPage) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(cors)) headers.set(name, value);
  return new Response(response.body, { status: response.status, headers });
}
