// Media between two people in the app's UI, over XMPP and over the interop channel: alice pastes a
// photo, records a voice message from Chromium's fake microphone, and attaches a video and a PDF;
// bob sees the photo render, plays the voice message (its played state changes), sees the video's
// poster, and saves the PDF byte-identical. A real Prosody with its upload service; real hosts.

import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';
import config from './playwright.config';
import { startHost, type HostProcess } from './support/host';
import { addInteropAccount, interopRow, turnOnInterop } from './support/interop';
import { attachFiles, composer, FAKE_MEDIA_ARGS, naturalWidth, pastePng, recordVoice, recordWebm, sendPrepared, smallPdf } from './support/media';
import { expectOnline, send, startChat, timeline, xmppChatBetween } from './support/ui';

// The config's Chromium, plus a fake microphone that needs no permission prompt.
const baseLaunch = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...baseLaunch, args: [...(baseLaunch.args ?? []), ...FAKE_MEDIA_ARGS] } });

let prosody: ProsodyServer;
const hosts: HostProcess[] = [];

test.beforeAll(async () => {
  prosody = await startProsody({ httpUpload: true });
  for (const user of ['alice', 'bob', 'ivy', 'otto']) await prosody.register(user, `${user}-pass`);
});

test.afterAll(async () => {
  for (const host of hosts) await host.dispose();
  await prosody?.dispose();
});

async function openApp(browser: Browser, name: string): Promise<Page> {
  const host = await startHost(name, { caPath: prosody.caPath });
  hosts.push(host);
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, permissions: ['microphone'] });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`The page opened a dialog (${dialog.type()}: ${dialog.message()}): something received ran.`);
  });
  await page.goto(host.loginUrl);
  return page;
}

/** alice sends all four kinds; bob, with the chat open, checks each. */
async function exchangeMedia(alice: Page, bob: Page): Promise<void> {
  const aliceLog = timeline(alice);
  const bobLog = timeline(bob);
  const pdf = smallPdf();

  // A pasted photo, with the composer's text as its caption.
  await pastePng(alice);
  await composer(alice).fill('A photo for you');
  await sendPrepared(alice);
  await expect(aliceLog.locator('.media-image')).toHaveCount(1);

  // A voice message from the fake microphone.
  await recordVoice(alice, 2000);
  await sendPrepared(alice);
  await expect(aliceLog.locator('.voice')).toHaveCount(1);

  // A video recorded in the page and a PDF, chosen together through "Attach".
  const video = await recordWebm(alice);
  await attachFiles(alice, [video, { name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf }]);
  await sendPrepared(alice, 2);
  await expect(aliceLog.locator('.media-video')).toHaveCount(1);
  await expect(aliceLog.locator('.file-card')).toHaveCount(1);

  // bob: the photo arrives by itself (small images are fetched automatically) and renders.
  await expect(bobLog.getByText('A photo for you', { exact: true })).toBeVisible({ timeout: 30_000 });
  const photo = bobLog.locator('.media-image img.media-full');
  await expect(photo).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => naturalWidth(photo), { timeout: 30_000 }).toBeGreaterThan(0);

  // The lightbox opens on a click, closes on Escape, and gives focus back to the photo.
  const openPhoto = bobLog.getByRole('button', { name: /^Open photo / });
  await openPhoto.click();
  const lightbox = bob.getByRole('dialog');
  await expect(lightbox).toBeVisible();
  await lightbox.getByRole('button', { name: 'Zoom in' }).click();
  await expect(lightbox.getByRole('status', { name: 'Zoom' })).toHaveText('150%');
  await bob.keyboard.press('Escape');
  await expect(lightbox).toBeHidden();
  await expect(openPhoto).toBeFocused();

  // The voice message: unplayed until bob plays it, then played (and the core is told).
  const voice = bobLog.locator('.voice');
  await expect(voice).toHaveAttribute('data-played', 'false', { timeout: 30_000 });
  await expect(voice.getByText('Not played yet')).toHaveCount(1);
  const play = voice.getByRole('button', { name: 'Play', exact: true });
  await expect(play).toBeEnabled({ timeout: 30_000 });
  await play.click();
  await expect(voice).toHaveAttribute('data-played', 'true');
  await expect(voice.getByText('Not played yet')).toHaveCount(0);
  // Speed cycles 1× → 1.5×; once it has played through, the waveform seeks by keyboard.
  await voice.getByRole('button', { name: 'Playback speed 1×' }).click();
  await expect(voice.getByRole('button', { name: 'Playback speed 1.5×' })).toBeVisible();
  await expect(play).toBeVisible({ timeout: 15_000 });
  const seek = voice.getByRole('slider', { name: 'Seek' });
  await seek.focus();
  await seek.press('ArrowRight');
  await expect(seek).toHaveAttribute('aria-valuenow', '1');

  // The video: its poster frame, before any of its bytes are fetched (videos wait for a click).
  const videoView = bobLog.locator('.media-video');
  const poster = videoView.locator('img.media-poster, video[poster]').first();
  await expect(poster).toBeVisible({ timeout: 30_000 });
  if (await poster.evaluate((el) => el instanceof HTMLImageElement)) {
    await expect.poll(() => naturalWidth(poster)).toBeGreaterThan(0);
    await videoView.getByRole('button', { name: 'Download', exact: true }).click();
  }
  const player = videoView.locator('video');
  await expect(player).toHaveAttribute('poster', /^data:image\/jpeg;base64,/, { timeout: 30_000 });
  await expect(player).toHaveAttribute('preload', 'none');

  // The PDF: a card with its name, saved byte-identical.
  const card = bobLog.locator('.file-card').filter({ hasText: 'report.pdf' });
  await expect(card).toContainText('PDF');
  const download = bob.waitForEvent('download');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('report.pdf');
  const bytes = await readFile(await saved.path());
  expect(bytes.equals(pdf), 'the saved PDF is the sent PDF, byte for byte').toBe(true);

  // Nothing received ran: no markup became elements, no dialog opened (the handler above throws).
  await expect(bobLog.locator('.media-image img.media-full')).toHaveCount(1);
}

test('over XMPP: a pasted photo, a voice message, a video and a PDF', async ({ browser }) => {
  const alice = await openApp(browser, 'alice');
  const bob = await openApp(browser, 'bob');
  await xmppChatBetween(prosody, { page: alice, user: 'alice' }, { page: bob, user: 'bob' }, 'Media coming up');

  await exchangeMedia(alice, bob);

  // A second photo: the lightbox steps between the chat's photos, and the wheel zooms.
  await pastePng(alice, 'second.png');
  await sendPrepared(alice);
  const photos = timeline(bob).locator('.media-image img.media-full');
  await expect(photos).toHaveCount(2, { timeout: 30_000 });
  await timeline(bob).getByRole('button', { name: 'Open photo pasted.png' }).click();
  const lightbox = bob.getByRole('dialog', { name: 'pasted.png' });
  await expect(lightbox).toContainText('1 of 2');
  await lightbox.getByRole('button', { name: 'Next' }).click();
  await expect(bob.getByRole('dialog', { name: 'second.png' })).toContainText('2 of 2');
  await expect(bob.getByRole('button', { name: 'Next' })).toBeDisabled();
  await bob.keyboard.press('ArrowLeft');
  await expect(lightbox).toBeVisible();
  await lightbox.locator('.lightbox-stage').hover();
  await bob.mouse.wheel(0, -300);
  await expect(lightbox.getByRole('status', { name: 'Zoom' })).not.toHaveText('100%');
  await lightbox.getByRole('button', { name: 'Close' }).click();
  await expect(lightbox).toBeHidden();
});

test('over interop: the same four kinds, end-to-end encrypted', async ({ browser }) => {
  const ivy = await openApp(browser, 'ivy');
  const otto = await openApp(browser, 'otto');
  await turnOnInterop(ivy);
  await addInteropAccount(ivy, prosody, 'ivy', 'ivy-pass');
  await expectOnline(ivy);
  await turnOnInterop(otto);
  await addInteropAccount(otto, prosody, 'otto', 'otto-pass');
  await expectOnline(otto);

  // The first message is a request: otto accepts it before the files come.
  await startChat(ivy, `otto@${prosody.domain}`);
  await send(ivy, 'Media coming up');
  const row = interopRow(otto, `ivy@${prosody.domain}`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  await otto.getByRole('button', { name: 'Accept' }).click();
  await expect(timeline(otto).getByText('Media coming up')).toBeVisible();

  await exchangeMedia(ivy, otto);
});
