// The interop channel in the app's UI: two people, each with their own headless host and an
// interop account on a real Prosody, in real Chromium. Interoperability is turned on through the
// disclosure; the first message is a request; the safety number is compared and marked verified.

import { expect, test, type Browser, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';
import { startHost, type HostProcess } from './support/host';
import { addInteropAccount, turnOnInterop } from './support/interop';
import { expectOnline, send, startChat, timeline } from './support/ui';

let prosody: ProsodyServer;
let ivyHost: HostProcess;
let ottoHost: HostProcess;

test.beforeAll(async () => {
  prosody = await startProsody();
  await prosody.register('ivy', 'ivy-pass');
  await prosody.register('otto', 'otto-pass');
  ivyHost = await startHost('ivy', { caPath: prosody.caPath });
  ottoHost = await startHost('otto', { caPath: prosody.caPath });
});

test.afterAll(async () => {
  await ivyHost?.dispose();
  await ottoHost?.dispose();
  await prosody?.dispose();
});

async function openApp(browser: Browser, loginUrl: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(loginUrl);
  return page;
}

test('a first interop message is a request; accepted, compared by safety number, verified', async ({ browser }) => {
  const ivy = await openApp(browser, ivyHost.loginUrl);
  const otto = await openApp(browser, ottoHost.loginUrl);

  // Added while interoperability is off: the account waits, disconnected.
  await addInteropAccount(ivy, prosody, 'ivy', 'ivy-pass');
  await expect(ivy.getByText(/Interoperability is off/).first()).toBeVisible();
  await turnOnInterop(ivy);
  await expectOnline(ivy);
  await turnOnInterop(otto);
  await addInteropAccount(otto, prosody, 'otto', 'otto-pass');
  await expectOnline(otto);

  // Settings show each side's own interop address.
  await otto.getByRole('button', { name: 'Settings' }).click();
  const settings = otto.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByText('Your interop address')).toBeVisible();
  await expect(settings.getByText(`otto@${prosody.domain}`, { exact: true })).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();

  await startChat(ivy, `otto@${prosody.domain}`);
  await expect(ivy.getByTestId('security-line')).toHaveText('End-to-end encrypted · Signal Protocol');
  await send(ivy, 'Hello from another messenger');

  // Otto sees a request in the Interop inbox, labelled with the network and server.
  const inbox = otto.getByRole('region', { name: 'Interop inbox' });
  const row = inbox.getByRole('button', { name: `ivy@${prosody.domain}` });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText(`Interop · ${prosody.domain}`);
  await row.click();
  await expect(timeline(otto).getByText('Hello from another messenger')).toBeVisible();
  await expect(otto.getByText(`ivy@${prosody.domain} wants to message you.`)).toBeVisible();
  await expect(otto.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  // Nothing tells ivy it was read until otto accepts.
  await otto.waitForTimeout(1_000);
  await expect(timeline(ivy).getByText('Read', { exact: true })).toHaveCount(0);
  await otto.getByRole('button', { name: 'Accept' }).click();
  await expect(otto.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(timeline(ivy).getByText('Read', { exact: true })).toBeVisible({ timeout: 30_000 });

  // The safety number: 60 digits in 12 groups of 5 and a scannable code; the same on both sides.
  await expect(otto.getByText('Unverified', { exact: true })).toBeVisible();
  await otto.getByRole('button', { name: 'Safety number' }).click();
  const ottoNumber = otto.getByRole('region', { name: 'Safety number' });
  const ottoDigits = ottoNumber.getByTestId('safety-number-digits');
  await expect(ottoDigits).toHaveText(/^(\d{5} ){11}\d{5}$/);
  await expect(ottoNumber.getByRole('img')).toBeVisible();
  await ivy.getByRole('button', { name: 'Safety number' }).click();
  const ivyDigits = ivy.getByRole('region', { name: 'Safety number' }).getByTestId('safety-number-digits');
  await expect(ivyDigits).toHaveText(await ottoDigits.innerText());
  await ottoNumber.getByRole('button', { name: 'Mark as verified' }).click();
  await expect(otto.getByText('Verified', { exact: true })).toBeVisible();

  await send(otto, 'Accepted, and verified');
  await expect(timeline(ivy).getByText('Accepted, and verified')).toBeVisible({ timeout: 30_000 });
});
