// The headless host's doors: the launch secret, the cookie, the WebSocket's origin check, and
// static files that never leave the renderer folder.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SwitchboardService } from '../service/service';
import { startHost, type RunningHost } from './server';

let dir: string;
let service: SwitchboardService;
let host: RunningHost;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    // Raw path: URL normalisation in a client would hide traversal attempts.
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function login(): Promise<string> {
  const res = await get(new URL(host.loginUrl).pathname + new URL(host.loginUrl).search);
  expect(res.status).toBe(302);
  const cookie = String(res.headers['set-cookie']);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0] ?? '';
}

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-host-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(staticDir, '.hidden'), 'hidden');
  writeFileSync(join(dir, 'outside.txt'), 'secret outside the root');
  service = new SwitchboardService({ dataDir: join(dir, 'profile') });
  host = await startHost({ core: service, staticDir, port: 0 });
});

afterAll(async () => {
  await host.close();
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('headless host', () => {
  it('listens on 127.0.0.1 only and refuses requests without the launch secret', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await get('/')).status).toBe(401);
    expect((await get('/?k=wrong')).status).toBe(401);
    expect((await get('/', { Authorization: 'Bearer wrong' })).status).toBe(401);
    await expect(openSocket({})).rejects.toThrow(/401/);
  });

  it('trades the secret for a cookie that opens the UI, with a strict CSP', async () => {
    const cookie = await login();
    const res = await get('/', { Cookie: cookie });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Switchboard</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('never serves a file outside the renderer folder, or a hidden one', async () => {
    const cookie = await login();
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/%2e%2e%5coutside.txt', '/.hidden', '/%00index.html']) {
      const res = await get(path, { Cookie: cookie });
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('secret outside');
    }
  });

  it('answers requests over the WebSocket and refuses other origins', async () => {
    const cookie = await login();
    await expect(openSocket({ Cookie: cookie, Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ws = await openSocket({ Cookie: cookie, Origin: `http://127.0.0.1:${host.port}` });
    const answer = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ id: 7, method: 'getSnapshot', params: {} }));
    expect(await answer).toEqual({ id: 7, result: { ok: true, value: { accounts: [], chats: [] } } });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json {');
    expect(await closed).toBe(1007);
  });
});
