// The Electron shell, launched for real. The binary cannot be downloaded on the project's build
// machines, so there this spec is reported as skipped, never as passed.

import { _electron as electron, expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { findElectronBinary } from '../build/electron-binary.mjs';
import { newProfileDir } from './support/host';

const binary = findElectronBinary();

test.describe('Electron shell', () => {
  test.skip(!binary, 'Electron binary not installed on this machine (it is downloaded from the internet at install).');

  test('opens the window sandboxed, with the API bridged and navigation locked', async () => {
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [resolve(import.meta.dirname, '..')],
      env: { ...process.env, SWITCHBOARD_PROFILE: newProfileDir('electron') },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('button', { name: 'Add account' })).toBeVisible();
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => (window as unknown as { switchboard: { platform: string } }).switchboard.platform)).toBe('electron');
      const before = page.url();
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
    } finally {
      await app.close();
    }
  });
});
