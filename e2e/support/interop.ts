// Interop steps in the UI, shared by interop.spec.ts and media.spec.ts: turning interoperability on through
// its disclosure, and adding an interop account on the test's Prosody.

import { expect, type Page } from '@playwright/test';
import type { ProsodyServer } from '../../test/servers/prosody';

export async function turnOnInterop(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('switch', { name: 'Interoperability' }).click();
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(settings.getByRole('switch', { name: 'Interoperability' })).toBeChecked();
  await settings.getByRole('button', { name: 'Close' }).click();
  await expect(settings).toBeHidden();
}

export async function addInteropAccount(page: Page, prosody: ProsodyServer, user: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Add account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Network').selectOption({ label: 'Interop' });
  await dialog.getByLabel('Address').fill(`${user}@${prosody.domain}`);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByLabel('Server host').fill(prosody.host);
  await dialog.getByLabel('Port').fill(String(prosody.c2sPort));
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toBeHidden();
}

/** The row of a chat in the Interop inbox (where requests and interop chats live). */
export function interopRow(page: Page, title: string) {
  return page.getByRole('region', { name: 'Interop inbox' }).getByRole('button', { name: title, exact: true });
}
