// The interop exchange through a SOCKS5 proxy the test starts on 127.0.0.1: one side connects only
// through the proxy, both directions still arrive in order, and the proxy saw the connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import { startSocks5, type Socks5Server } from '../../test/servers/socks5.js';
import { bodies, caughtUp, device, online, waitForCount, type Device } from './test-harness.js';

let server: ProsodyServer;
let socks: Socks5Server;
let dan: Device;
let eve: Device;

beforeAll(async () => {
  server = await startProsody();
  await Promise.all([server.register('dan', 'dan-pw'), server.register('eve', 'eve-pw')]);
  socks = await startSocks5({ username: 'proxy-user', password: 'proxy-pass' });
  dan = device(server, 'dan', 'dan-pw', {
    adapter: { deviceListMaxAgeMs: 300 },
    proxy: { host: socks.host, port: socks.port, username: 'proxy-user', password: 'proxy-pass' },
  });
  eve = device(server, 'eve', 'eve-pw', { adapter: { deviceListMaxAgeMs: 300 } });
  await Promise.all([online(dan), online(eve)]);
  await Promise.all([caughtUp(dan), caughtUp(eve)]);
});

afterAll(async () => {
  await Promise.all([dan, eve].map((d) => d?.adapter.disconnect()));
  await socks?.dispose();
  await server?.dispose();
});

describe('interop through a SOCKS5 proxy', () => {
  it('exchanges messages both ways in order while one side connects only through the proxy', async () => {
    expect(socks.targets, 'dan reached the server through the proxy').toContainEqual({ host: server.host, port: server.c2sPort, addressType: 'ipv4' });
    expect(socks.openTunnels).toBeGreaterThanOrEqual(1);

    const n = 100;
    await Promise.all([
      Promise.all(Array.from({ length: n }, (_, i) => dan.adapter.send('eve@localhost', { clientId: `d2e-${i}`, body: `d2e ${i}` }))),
      Promise.all(Array.from({ length: n }, (_, i) => eve.adapter.send('dan@localhost', { clientId: `e2d-${i}`, body: `e2d ${i}` }))),
    ]);
    const d2e = (m: { body: string }) => m.body.startsWith('d2e ');
    const e2d = (m: { body: string }) => m.body.startsWith('e2d ');
    await waitForCount(eve, 'dan\'s messages', d2e, n);
    await waitForCount(dan, 'eve\'s messages', e2d, n);
    expect(bodies(eve, d2e)).toEqual(Array.from({ length: n }, (_, i) => `d2e ${i}`));
    expect(bodies(dan, e2d)).toEqual(Array.from({ length: n }, (_, i) => `e2d ${i}`));
    expect(dan.events.events.some((e) => e.type === 'undecryptable')).toBe(false);
    expect(JSON.stringify(dan.ctx.lines)).not.toContain('proxy-pass');
  }, 60_000);
});
