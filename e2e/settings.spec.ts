// Settings → Interoperability in real Chromium through a real headless host: off by default, on
// only through the disclosure that says what differs, off again at once, and kept across restarts.

import { expect, test, type Browser, type Page } from '@playwright/test';
import { startHost, type HostProcess } from './support/host';

const hosts: HostProcess[] = [];

test.afterAll(async () => {
  for (const host of hosts) await host.dispose();
});

async function open(browser: Browser, host: HostProcess): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.loginUrl);
  return page;
}

test('interoperability is off until turned on after the disclosure, and off again at once', async ({ browser }) => {
  const host = await startHost('settings');
  hosts.push(host);
  let page = await open(browser, host);

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const toggle = settings.getByRole('switch', { name: 'Interoperability' });
  await expect(toggle).not.toBeChecked();

  // Turning it on first says plainly what differs; Cancel leaves it off.
  await toggle.click();
  const disclosure = page.getByRole('dialog', { name: 'Chatting across messengers' });
  await expect(disclosure).toBeVisible();
  await expect(disclosure).toContainText('gatekeeper');
  await expect(disclosure).toContainText('Who talks to whom');
  await expect(disclosure).toContainText('IP address');
  await expect(disclosure).toContainText('end-to-end encrypted with the Signal Protocol');
  await expect(disclosure).toContainText('No group chats and no calls');
  await disclosure.getByRole('button', { name: 'Cancel' }).click();
  await expect(disclosure).toBeHidden();
  await expect(toggle).not.toBeChecked();

  await toggle.click();
  await disclosure.getByRole('button', { name: 'Turn on' }).click();
  await expect(disclosure).toBeHidden();
  await expect(toggle).toBeChecked();
  await settings.getByRole('button', { name: 'Close' }).click();
  const inbox = page.getByRole('region', { name: 'Interop inbox' });
  await expect(inbox).toContainText('Interoperability is on');
  // Nothing arrives by itself: no interop account, no chats.
  await expect(inbox.getByRole('listitem')).toHaveCount(0);

  // The choice is stored in the profile.
  await host.restart();
  page = await open(browser, host);
  await page.getByRole('button', { name: 'Settings' }).click();
  const again = page.getByRole('dialog', { name: 'Settings' }).getByRole('switch', { name: 'Interoperability' });
  await expect(again).toBeChecked();

  // Off is immediate: no second screen.
  await again.click();
  await expect(again).not.toBeChecked();
  await expect(page.getByRole('dialog', { name: 'Chatting across messengers' })).toHaveCount(0);
});

test('the add-account dialog offers Interop and an optional SOCKS5 proxy', async ({ browser }) => {
  const host = await startHost('add-interop');
  hosts.push(host);
  const page = await open(browser, host);
  await page.getByRole('button', { name: 'Add account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Network').selectOption({ label: 'Interop' });
  await expect(dialog).toContainText('stays disconnected until interoperability is turned on');
  await expect(dialog.getByLabel('Proxy host')).toHaveCount(0);
  await dialog.getByLabel('Connect through a SOCKS5 proxy').check();
  await expect(dialog.getByLabel('Proxy host')).toBeVisible();
  await expect(dialog.getByLabel('Proxy port')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('automatic downloads: 16 MB by default, changed in Settings and kept across restarts', async ({ browser }) => {
  const host = await startHost('settings-media');
  hosts.push(host);
  let page = await open(browser, host);
  await page.getByRole('button', { name: 'Settings' }).click();
  const choice = page.getByRole('dialog', { name: 'Settings' }).getByRole('combobox', { name: 'Download images and voice messages automatically' });
  await expect(choice).toHaveValue(String(16 * 1024 * 1024));
  await choice.selectOption({ label: 'Never' });
  await expect(choice).toHaveValue('0');

  await host.restart();
  page = await open(browser, host);
  await page.getByRole('button', { name: 'Settings' }).click();
  const again = page.getByRole('dialog', { name: 'Settings' }).getByRole('combobox', { name: 'Download images and voice messages automatically' });
  await expect(again).toHaveValue('0');
});
