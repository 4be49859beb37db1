// Steps a person takes in the UI, by role and accessible name (the contract in the issue).

import { expect, type Page } from '@playwright/test';

export async function addXmppAccount(page: Page, account: { address: string; password: string; host: string; port: number }): Promise<void> {
  await page.getByRole('button', { name: 'Add account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Network').selectOption({ label: 'XMPP' });
  await dialog.getByLabel('Address').fill(account.address);
  await dialog.getByLabel('Password').fill(account.password);
  await dialog.getByLabel('Server host').fill(account.host);
  await dialog.getByLabel('Port').fill(String(account.port));
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toBeHidden();
}

export async function expectOnline(page: Page): Promise<void> {
  await expect(page.getByText('Online', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
}

export async function startChat(page: Page, address: string): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Address').fill(address);
  await dialog.getByRole('button', { name: 'Start chat' }).click();
  await expect(dialog).toBeHidden();
}

export async function send(page: Page, body: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(body);
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
}

export function chatRow(page: Page, title: string) {
  return page.getByRole('region', { name: 'Chats' }).getByRole('button', { name: title, exact: true });
}

export function timeline(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}
