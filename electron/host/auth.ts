// The host's per-launch secret. A browser gets it once through the URL the host prints, trades it
// for an HttpOnly, SameSite=Strict cookie, and every later request (and the WebSocket) must carry
// that cookie or a bearer header; anything else is answered 401.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'sb_session';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function isAuthorized(req: IncomingMessage, secret: string): boolean {
  const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  if (bearer && same(bearer, secret)) return true;
  const cookie = cookieValue(req.headers.cookie, COOKIE);
  return cookie !== undefined && same(cookie, secret);
}

/** The secret from `/?k=…`, when it is the right one. */
export function secretFromUrl(url: URL, secret: string): boolean {
  const k = url.searchParams.get('k');
  return k !== null && same(k, secret);
}

export function sessionCookie(secret: string): string {
  return `${COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}
