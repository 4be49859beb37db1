// The Electron shell: one window over the renderer, the core in this (main) process, and the
// security policy of Electron's checklist. Everything else lives in the service and the renderer.

import { app, BrowserWindow, ipcMain, Notification, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CoreEvent, Result } from './api/contract';
import { CALL_CHANNEL, EVENT_CHANNEL, MEDIA_SCHEME, OPEN_ATTACHMENT_CHANNEL, SAVE_ATTACHMENT_CHANNEL } from './ipcChannels';
import { serveMediaScheme } from './mediaScheme';
import { saveAttachment } from './saveAttachment';
import { openAttachment, removeOldOpenCopies } from './service/mediaOpen';
import type { SecretBox } from './service/secretBox';
import { SwitchboardService } from './service/service';

const here = dirname(fileURLToPath(import.meta.url));
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
/** Permissions the app needs; every other request is denied. */
const allowedPermissions = new Set(['notifications']);

let window: BrowserWindow | null = null;

// Before the app is ready (Electron's rule for privileged schemes). `standard` gives the URLs an
// origin and normal parsing, `secure` makes them a secure context (no mixed-content blocking),
// `supportFetchAPI` and `corsEnabled` let the preload's fetch stage files, and `stream` lets
// audio and video stream and seek with Range. The page's CSP (renderer/index.html) allows sbmedia:.
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

const NOT_ALLOWED: Result<never> = { ok: false, error: { code: 'invalid-request', message: 'Not allowed from this page.' } };

/**
 * Seals account passwords and, for interop accounts, every value of the adapter's state (the
 * Signal identity key, prekeys and sessions; see service/adapterState.ts) with the key the OS
 * protects. Where safeStorage is unavailable the service falls back to its key file.
 */
function safeStorageBox(): SecretBox {
  return {
    seal: (plain) => `ss1:${safeStorage.encryptString(plain).toString('base64')}`,
    open: (sealed) => {
      if (!sealed.startsWith('ss1:')) throw new Error('This secret was sealed by another key store.');
      return safeStorage.decryptString(Buffer.from(sealed.slice(4), 'base64'));
    },
  };
}

function isOwnPage(url: string): boolean {
  return url === rendererUrl || url.startsWith(`${rendererUrl}#`) || url.startsWith(`${rendererUrl}?`);
}

/** No navigation away from the app; links go to the system browser (http, https, mailto only). */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^(https?:|mailto:)/i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Switchboard',
    show: false,
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex);
  return win;
}

function notify(event: Extract<CoreEvent, { type: 'notification' }>): void {
  if (!Notification.isSupported() || window?.isFocused()) return;
  const n = new Notification({ title: event.title, body: event.body, silent: false });
  n.on('click', () => {
    window?.show();
    window?.focus();
  });
  n.show();
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowedPermissions.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowedPermissions.has(permission));
  app.on('web-contents-created', (_e, contents) => lockDown(contents));

  const service = new SwitchboardService({
    dataDir: process.env.SWITCHBOARD_PROFILE ?? app.getPath('userData'),
    ...(safeStorage.isEncryptionAvailable() ? { secrets: safeStorageBox() } : {}),
  });
  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) => {
    // Only our own page may talk to the core.
    if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) return NOT_ALLOWED;
    return service.call(String(method), params);
  });
  ipcMain.handle(SAVE_ATTACHMENT_CHANNEL, (event, attachmentId: unknown) => {
    if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) return NOT_ALLOWED;
    return saveAttachment(service, window, attachmentId);
  });
  // "Open": a private copy in the temp folder, handed to the system's app — unless it could run.
  const openDeps = { media: service.media, tempDir: app.getPath('temp'), openPath: (path: string) => shell.openPath(path) };
  ipcMain.handle(OPEN_ATTACHMENT_CHANNEL, (event, attachmentId: unknown) => {
    if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) return NOT_ALLOWED;
    return openAttachment(openDeps, attachmentId);
  });
  void removeOldOpenCopies(openDeps.tempDir);
  // The same media routes as the browser mode's host, on sbmedia://app/media/….
  protocol.handle(MEDIA_SCHEME, (request) => serveMediaScheme(service.media, request));
  service.onEvent((event) => {
    window?.webContents.send(EVENT_CHANNEL, event);
    if (event.type === 'notification') notify(event);
  });
  await service.start();

  window = createWindow();
  window.on('closed', () => {
    window = null;
  });
  app.on('second-instance', () => {
    window?.show();
    window?.focus();
  });
  app.on('activate', () => {
    if (!window) window = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void service.stop();
  });
}

void main();
