// The inboxes, account states, a 100,000-message chat and search, each in real Chromium through a
// real headless host.

import { expect, test, type Browser, type Page } from '@playwright/test';
import { createServer } from 'node:net';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';
import { newProfileDir, startHost, type HostProcess } from './support/host';
import { seedLongChat } from './support/seed';
import { addXmppAccount, timeline } from './support/ui';

const hosts: HostProcess[] = [];
let prosody: ProsodyServer | undefined;

test.afterAll(async () => {
  for (const host of hosts) await host.dispose();
  await prosody?.dispose();
});

async function open(browser: Browser, host: HostProcess): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.loginUrl);
  return page;
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('a first launch shows the Interop inbox on top, explained and off, above the chats', async ({ browser }) => {
  const host = await startHost('empty');
  hosts.push(host);
  const page = await open(browser, host);
  const interop = page.getByRole('region', { name: 'Interop inbox' });
  await expect(interop.getByRole('heading', { name: 'Interop inbox' })).toBeVisible();
  await expect(interop).toContainText('Privacy and features differ');
  await expect(interop).toContainText(/off/i);
  const chats = page.getByRole('region', { name: 'Chats' });
  await expect(chats).toBeVisible();
  const [interopBox, chatsBox] = [await interop.boundingBox(), await chats.boundingBox()];
  expect(interopBox && chatsBox && interopBox.y < chatsBox.y, 'the Interop inbox is above the chats').toBe(true);
});

test('a wrong password shows the account offline with that reason', async ({ browser }) => {
  prosody = await startProsody();
  await prosody.register('erin', 'right-password');
  const host = await startHost('wrongpw', { caPath: prosody.caPath });
  hosts.push(host);
  const page = await open(browser, host);
  await addXmppAccount(page, { address: 'erin@localhost', password: 'wrong-password', host: '127.0.0.1', port: prosody.c2sPort });
  await expect(page.getByText('Offline — Wrong password')).toBeVisible({ timeout: 30_000 });
});

test('a chat of 100,000 messages opens, pages back while scrolling, stays virtualised, and search jumps into it', async ({ browser }) => {
  const profile = newProfileDir('long');
  const special = new Map([[1234, 'The zanzibar parcel arrived']]);
  const seeded = seedLongChat(profile, 100_000, { port: await closedPort(), specialAt: special });
  const host = await startHost('long', { profile });
  hosts.push(host);
  const page = await open(browser, host);

  const row = page.getByRole('region', { name: 'Chats' }).getByRole('button', { name: seeded.chatTitle, exact: true });
  await row.click();
  const log = timeline(page);
  await expect(log.getByText(seeded.bodyOf(99_999), { exact: true })).toBeVisible();

  // Scroll up several pages: older messages arrive, the DOM holds only what is on screen.
  for (let i = 0; i < 6; i++) {
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForTimeout(300);
  }
  const shown = await log.getByText(/^Message number \d+ in a very long chat$/).allInnerTexts();
  const oldest = Math.min(...shown.map((t) => Number(t.match(/\d+/)?.[0])));
  expect(oldest, 'scrolling up loaded older pages').toBeLessThan(99_999 - 150);
  const rendered = await log.locator('*').count();
  expect(rendered, 'the timeline renders a window, not every loaded message').toBeLessThan(2_000);

  // Search finds the one message far back and opens the chat at it.
  await page.getByRole('searchbox', { name: 'Search' }).fill('zanzibar');
  const results = page.getByRole('list', { name: 'Search results' });
  await results.getByRole('button').filter({ hasText: 'zanzibar' }).first().click();
  await expect(timeline(page).getByText('The zanzibar parcel arrived')).toBeVisible();
});
