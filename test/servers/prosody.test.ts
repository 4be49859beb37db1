// The launcher itself: what the e2e suite and the adapter tests rely on.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { startProsody, type ProsodyServer } from './prosody.js';
import { rawClient } from '../../protocols/xmpp/test-harness.js';

let server: ProsodyServer;

beforeAll(async () => {
  server = await startProsody({ httpUpload: true });
  await server.register('uploader', 'pw');
});

afterAll(async () => {
  await server?.dispose();
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('startProsody', () => {
  it('hands out an upload slot on 127.0.0.1:httpPort (XEP-0363)', async () => {
    expect(server.uploadDomain).toBe('upload.localhost');
    const client = await rawClient(server, 'uploader', 'pw');
    try {
      const answer = await client.iqCaller.request(xml('iq', { type: 'get', to: 'upload.localhost' },
        xml('request', { xmlns: 'urn:xmpp:http:upload:0', filename: 'a.txt', size: '5', 'content-type': 'text/plain' })));
      const put = answer.getChild('slot', 'urn:xmpp:http:upload:0')?.getChild('put')?.attrs.url;
      expect(put).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.httpPort}/`));
    } finally {
      await client.close();
    }
  });

  it('stops, starts again on the same port with the same data, and survives kill()', async () => {
    await server.stop();
    expect(server.pid).toBeNull();
    expect(await accepts(server.c2sPort)).toBe(false);
    await server.start();
    expect(await accepts(server.c2sPort)).toBe(true);
    await server.kill();
    await server.start();
    const client = await rawClient(server, 'uploader', 'pw');
    await client.close();
  });

  it('removes its temp dir on dispose', async () => {
    const other = await startProsody();
    expect(existsSync(other.caPath)).toBe(true);
    await other.dispose();
    expect(existsSync(other.dir)).toBe(false);
  });
});
