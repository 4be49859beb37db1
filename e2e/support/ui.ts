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

/**
 * Two people on the test's Prosody, each signed in to XMPP in their own app (password
 * `<name>-pass`); `from` starts a chat with `to` and says `hello`, and `to` opens it.
 */
export async function xmppChatBetween(
  server: { domain: string; host: string; c2sPort: number },
  from: { page: Page; user: string },
  to: { page: Page; user: string },
  hello: string,
): Promise<void> {
  for (const { page, user } of [from, to]) {
    await addXmppAccount(page, { address: `${user}@${server.domain}`, password: `${user}-pass`, host: server.host, port: server.c2sPort });
    await expectOnline(page);
  }
  await startChat(from.page, `${to.user}@${server.domain}`);
  await send(from.page, hello);
  await chatRow(to.page, `${from.user}@${server.domain}`).click();
  await expect(timeline(to.page).getByText(hello)).toBeVisible();
}
