// Two people chat through a real Prosody in the app's UI: alice and bob, each with their own
// headless host and profile, in real Chromium.

import { expect, test, type Browser, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';
import { startHost, type HostProcess } from './support/host';
import { addXmppAccount, chatRow, expectOnline, send, startChat, timeline } from './support/ui';

let prosody: ProsodyServer;
let aliceHost: HostProcess;
let bobHost: HostProcess;

test.beforeAll(async () => {
  prosody = await startProsody();
  await prosody.register('alice', 'alice-pass');
  await prosody.register('bob', 'bob-pass');
  aliceHost = await startHost('alice', { caPath: prosody.caPath });
  bobHost = await startHost('bob', { caPath: prosody.caPath });
});

test.afterAll(async () => {
  await aliceHost?.dispose();
  await bobHost?.dispose();
  await prosody?.dispose();
});

async function openApp(browser: Browser, loginUrl: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`The page opened a dialog (${dialog.type()}: ${dialog.message()}): markup in a message ran.`);
  });
  await page.goto(loginUrl);
  return page;
}

test('alice and bob chat live, through restarts, with nothing lost or doubled', async ({ browser }) => {
  const alice = await openApp(browser, aliceHost.loginUrl);
  const bob = await openApp(browser, bobHost.loginUrl);

  const server = { host: '127.0.0.1', port: prosody.c2sPort };
  await addXmppAccount(alice, { address: 'alice@localhost', password: 'alice-pass', ...server });
  await expectOnline(alice);
  await addXmppAccount(bob, { address: 'bob@localhost', password: 'bob-pass', ...server });
  await expectOnline(bob);

  // alice starts a chat and sends; bob sees it live, with an unread badge.
  await startChat(alice, 'bob@localhost');
  await send(alice, 'Hello bob, this is alice');
  const bobsRow = chatRow(bob, 'alice@localhost');
  await expect(bobsRow).toBeVisible();
  await expect(bobsRow.getByTestId('unread-badge')).toHaveText('1');

  // bob opens the chat and replies; alice sees the reply and "Read" on her message.
  await bobsRow.click();
  await expect(timeline(bob).getByText('Hello bob, this is alice')).toBeVisible();
  await expect(bobsRow.getByTestId('unread-badge')).toHaveCount(0);
  await send(bob, 'Hi alice!');
  await expect(timeline(alice).getByText('Hi alice!')).toBeVisible();
  const first = timeline(alice).getByRole('listitem').filter({ hasText: 'Hello bob, this is alice' });
  await expect(first.getByText('Read', { exact: true })).toBeVisible();

  // bob's host stops; alice sends two messages; bob's host starts again and shows both, in order, once.
  await bob.close();
  await bobHost.stop();
  await send(alice, 'While you were away: one');
  await send(alice, 'While you were away: two');
  const sentTwo = timeline(alice).getByRole('listitem').filter({ hasText: 'While you were away: two' });
  await expect(sentTwo.getByText(/^(Sent|Delivered|Read)$/)).toBeVisible();
  await bobHost.restart();
  const bob2 = await openApp(browser, bobHost.loginUrl);
  await expectOnline(bob2);
  await chatRow(bob2, 'alice@localhost').click();
  const bobLog = timeline(bob2);
  await expect(bobLog.getByText('While you were away: two')).toBeVisible();
  await expect(bobLog.getByText('While you were away: one')).toHaveCount(1);
  await expect(bobLog.getByText('While you were away: two')).toHaveCount(1);
  const bodies = await bobLog.getByRole('listitem').allInnerTexts();
  const one = bodies.findIndex((t) => t.includes('While you were away: one'));
  const two = bodies.findIndex((t) => t.includes('While you were away: two'));
  expect(one, 'the first offline message is shown').toBeGreaterThanOrEqual(0);
  expect(two, 'the second comes after the first').toBeGreaterThan(one);

  // Markup in a body is shown as the characters it is and runs nothing.
  const hostile = '<img src=x onerror=alert(1)>';
  await send(alice, hostile);
  await expect(bobLog.getByText(hostile, { exact: true })).toBeVisible();
  await expect(bobLog.locator('img')).toHaveCount(0);

  // alice's host restarts and keeps history and her draft.
  const composer = alice.getByRole('textbox', { name: 'Message' });
  await composer.fill('a draft that must survive');
  await alice.waitForTimeout(1_000); // the composer saves drafts after 400 ms of quiet
  await alice.close();
  await aliceHost.restart();
  const alice2 = await openApp(browser, aliceHost.loginUrl);
  await chatRow(alice2, 'bob@localhost').click();
  await expect(timeline(alice2).getByText('Hi alice!')).toBeVisible();
  await expect(alice2.getByRole('textbox', { name: 'Message' })).toHaveValue('a draft that must survive');
});
