// What media must not leak or allow, seen from the UI: a photo's EXIF location never leaves the
// sender's machine, a file named `../../evil.sh` is saved under a harmless name, and a file over
// the server's limit is refused before any upload, with the limit named. Real Prosody (its upload
// service limited to 1 MiB), real hosts, real Chromium.

import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { SwitchboardApi } from '../electron/api/contract';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';
import { startHost, type HostProcess } from './support/host';
import { attachFiles, sendPrepared, tray, type FileFixture } from './support/media';
import { timeline, xmppChatBetween } from './support/ui';

const LIMIT = 1024 * 1024;
const GPS_MARK = 'GPSLatitude=52.5200N';

let prosody: ProsodyServer;
const hosts: HostProcess[] = [];

test.beforeAll(async () => {
  prosody = await startProsody({ httpUpload: true, httpUploadSizeLimit: LIMIT });
  for (const user of ['carol', 'dave']) await prosody.register(user, `${user}-pass`);
});

test.afterAll(async () => {
  for (const host of hosts) await host.dispose();
  await prosody?.dispose();
});

async function openApp(browser: Browser, name: string): Promise<Page> {
  const host = await startHost(name, { caPath: prosody.caPath });
  hosts.push(host);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`The page opened a dialog (${dialog.type()}): something received ran.`);
  });
  await page.goto(host.loginUrl);
  return page;
}

/**
 * A JPEG as a phone writes it: drawn in the page, then given an APP1 "Exif" segment right after
 * the start marker that carries a location.
 */
async function jpegWithLocation(page: Page): Promise<FileFixture> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 80;
    canvas.height = 60;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.fillStyle = '#2d7d46';
    ctx.fillRect(0, 0, 80, 60);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
    if (!blob) throw new Error('the canvas made no JPEG');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  });
  const jpeg = Buffer.from(base64, 'base64');
  // "Exif\0\0", a big-endian TIFF header with an empty first IFD, then the location as text.
  const payload = Buffer.concat([
    Buffer.from('Exif\0\0', 'latin1'),
    Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    Buffer.from(GPS_MARK, 'latin1'),
  ]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  const buffer = Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
  expect(buffer.includes(Buffer.from(GPS_MARK)), 'the fixture carries its location').toBe(true);
  return { name: 'holiday.jpg', mimeType: 'image/jpeg', buffer };
}

test('a photo loses its location, a ../../ name is saved harmless, an oversized file never leaves', async ({ browser }) => {
  const carol = await openApp(browser, 'carol');
  const dave = await openApp(browser, 'dave');
  await xmppChatBetween(prosody, { page: carol, user: 'carol' }, { page: dave, user: 'dave' }, 'Two files');

  // Over the limit: refused in the composer, naming the limit, and nothing is sent.
  await attachFiles(carol, [{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(LIMIT + 1, 7) }]);
  await expect(carol.getByRole('alert').filter({ hasText: '1 MB' })).toBeVisible();
  await expect(tray(carol).getByRole('listitem')).toHaveCount(0);

  // The photo: what dave receives is a JPEG without an Exif segment or the location.
  await attachFiles(carol, [await jpegWithLocation(carol)]);
  await sendPrepared(carol);
  const photo = timeline(dave).locator('.media-image img.media-full');
  await expect(photo).toBeVisible({ timeout: 30_000 });
  const received = Buffer.from(
    await photo.evaluate(async (img) => {
      const bytes = new Uint8Array(await (await fetch((img as HTMLImageElement).src)).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    }),
    'base64',
  );
  expect(received.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), 'still a JPEG').toBe(true);
  expect(received.includes(Buffer.from(GPS_MARK)), 'the location did not travel').toBe(false);
  expect(received.includes(Buffer.from('Exif\0\0', 'latin1')), 'no Exif segment travelled').toBe(false);

  // A file named to climb out of the download folder, as a hostile client would send it (the
  // composer never produces such a name: carol's page calls the API directly), is saved under a
  // harmless name.
  const sentName = await carol.evaluate(async (peer) => {
    // The page's bridge, as the renderer sees it (src/api.ts); the e2e project has no DOM global for it.
    const api = (window as unknown as { switchboard: SwitchboardApi }).switchboard;
    const snapshot = await api.call('getSnapshot', {});
    if (!snapshot.ok) throw new Error(snapshot.error.message);
    const chat = snapshot.value.chats.find((c) => c.address === peer);
    if (!chat) throw new Error(`no chat with ${peer}`);
    const staged = await api.stageFile(new Blob(['#!/bin/sh\necho pwned\n']), '../../evil.sh');
    if (!staged.ok) throw new Error(staged.error.message);
    const sent = await api.call('sendAttachments', {
      chatId: chat.id,
      items: [{ stagedId: staged.value.stagedId, kind: 'file', name: '../../evil.sh', mime: 'application/x-sh' }],
    });
    if (!sent.ok) throw new Error(sent.error.message);
    return sent.value[0]?.attachments[0]?.name;
  }, `dave@${prosody.domain}`);
  expect(sentName).toBe('../../evil.sh');
  const card = timeline(dave).locator('.file-card').last();
  await expect(card).toBeVisible({ timeout: 30_000 });
  const download = dave.waitForEvent('download');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('evil.sh');
  expect((await readFile(await saved.path())).toString()).toBe('#!/bin/sh\necho pwned\n');
});
