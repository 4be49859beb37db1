// Media steps in the UI (attach, paste, record, send) and the files they use, made by the test:
// a PNG drawn in the page, a WebM recorded in the page from a canvas, a small valid PDF.

import { expect, type Locator, type Page } from '@playwright/test';

/** Chromium's fake camera and microphone, granted without a prompt: for recording voice messages. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export interface FileFixture {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * A one-page PDF with a correct cross-reference table, plus a binary comment line (as real PDFs
 * have), so a save that mangled non-ASCII bytes would show.
 */
export function smallPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const content = 'BT /F1 18 Tf 20 40 Td (Switchboard e2e) Tj ET';
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n'), Buffer.from([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a])];
  const offsets: number[] = [];
  let length = parts.reduce((n, p) => n + p.length, 0);
  objects.forEach((body, i) => {
    const text =
      body === null
        ? `${i + 1} 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`
        : `${i + 1} 0 obj\n${body}\nendobj\n`;
    offsets.push(length);
    parts.push(Buffer.from(text, 'latin1'));
    length += Buffer.byteLength(text, 'latin1');
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

/** A second of WebM (VP8) recorded in the page from a canvas whose colour changes every frame. */
export async function recordWebm(page: Page): Promise<FileFixture> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    let frame = 0;
    const draw = () => {
      ctx.fillStyle = `hsl(${(frame * 15) % 360} 80% 50%)`;
      ctx.fillRect(0, 0, 160, 120);
      ctx.fillStyle = '#fff';
      ctx.fillRect((frame * 4) % 160, 40, 20, 40);
      frame++;
    };
    draw();
    const timer = setInterval(draw, 40);
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm;codecs=vp8' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(100);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    recorder.stop();
    await stopped;
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  });
  const buffer = Buffer.from(base64, 'base64');
  expect(buffer.length, 'the page recorded a video').toBeGreaterThan(1000);
  return { name: 'clip.webm', mimeType: 'video/webm', buffer };
}

export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

/**
 * Pastes a PNG drawn in the page into the composer, the way a screenshot is pasted: a paste event
 * whose clipboard holds one image file.
 */
export async function pastePng(page: Page, name = 'pasted.png'): Promise<void> {
  await composer(page).focus();
  await composer(page).evaluate(async (field, fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.fillStyle = '#3a5bd9';
    ctx.fillRect(0, 0, 64, 48);
    ctx.fillStyle = '#ffe58a';
    ctx.fillRect(16, 12, 32, 24);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas made no PNG');
    const data = new DataTransfer();
    data.items.add(new File([blob], fileName, { type: 'image/png' }));
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, name);
}

/** "Attach" → the file chooser → these files. */
export async function attachFiles(page: Page, files: FileFixture[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach', exact: true }).click();
  const picked = await chooser;
  expect(picked.isMultiple(), 'the chooser takes several files').toBe(true);
  await picked.setFiles(files);
}

/** Records a voice message from the fake microphone for about `ms`, and stops. */
export async function recordVoice(page: Page, ms = 2000): Promise<void> {
  await page.getByRole('button', { name: 'Record voice message', exact: true }).click();
  const stop = page.getByRole('button', { name: 'Stop recording', exact: true });
  await expect(stop).toBeVisible();
  await page.waitForTimeout(ms);
  await stop.click();
}

/** The files waiting in the composer before Send. */
export function tray(page: Page): Locator {
  return page.getByRole('region', { name: 'Attachments' });
}

/**
 * Sends what the tray holds (with the composer's text as the caption) once its `count` files are
 * prepared, and waits for the tray to empty.
 */
export async function sendPrepared(page: Page, count = 1): Promise<void> {
  try {
    await expect(tray(page).getByRole('listitem')).toHaveCount(count);
  } catch (err) {
    // A refused file is explained in the app's alert: say what it said.
    const alerts = await page.getByRole('alert').allInnerTexts();
    throw new Error(`The tray did not take ${count} file(s). Alerts: ${JSON.stringify(alerts)}\n${String(err)}`);
  }
  await expect(tray(page).locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
  const send = page.getByRole('button', { name: 'Send', exact: true });
  await expect(send).toBeEnabled();
  await send.click();
  await expect(tray(page)).toHaveCount(0, { timeout: 30_000 });
  await expect(composer(page)).toHaveValue('');
}

/** Resolves with an <img>'s natural width once it has loaded (0 while it has not). */
export function naturalWidth(image: Locator): Promise<number> {
  return image.evaluate((el) => (el instanceof HTMLImageElement && el.complete ? el.naturalWidth : 0));
}
