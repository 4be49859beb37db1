// "Open" in the Electron door, kept free of Electron so it runs in tests: refuse what could run
// (unsafeToOpen.ts), else copy the cached file into a fresh private folder under the system's temp
// folder, under its sanitised name, and hand that copy to the system's app for its type. The
// cache itself is never handed out: an app that writes to what it opened changes only the copy.
// Only the user's click gets here (preload.ts checks it); nothing received is opened on its own.

import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OpenedFile, Result } from '../api/contract';
import { sanitizeFileName } from './fileName';
import type { MediaFile } from './media';
import { HEAD_BYTES, refusalToOpen } from './unsafeToOpen';

/** Each open gets `<temp>/switchboard-open-XXXXXX/<name>`. */
export const OPEN_FOLDER_PREFIX = 'switchboard-open-';
/** Copies older than this are removed on the next start (the app that opened them is long done). */
export const OPEN_COPY_MAX_AGE_MS = 24 * 3600 * 1000;

export interface OpenDeps {
  media: { fileOf(attachmentId: number): MediaFile | undefined };
  /** The system's temp folder (Electron's app.getPath('temp')). */
  tempDir: string;
  /** Opens a file with the system's app for its type: '' when it did, else why not (shell.openPath). */
  openPath(path: string): Promise<string>;
  /** process.platform unless a test says otherwise. */
  platform?: NodeJS.Platform;
}

export type PreparedOpen = { path: string; folder: string } | { refused: string };

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Windows' "Mark of the Web" (the Zone.Identifier stream browsers add to downloads): Office then
 * opens the copy in Protected View and SmartScreen checks it. Best effort: a folder on a file
 * system without streams simply gets no mark.
 */
async function markFromInternet(path: string): Promise<void> {
  await writeFile(`${path}:Zone.Identifier`, '[ZoneTransfer]\r\nZoneId=3\r\n').catch(() => undefined);
}

/**
 * Decides whether `file` may be opened and, if so, writes the copy to open: a new folder only this
 * user can enter (mkdtemp: 0700, a fresh random name), the file read-only inside it (0400: no
 * execute bit, and an editor says that changes would not be kept).
 */
export async function prepareOpenCopy(file: MediaFile, tempDir: string, platform: NodeJS.Platform = process.platform): Promise<PreparedOpen> {
  const name = sanitizeFileName(file.name);
  const refused = refusalToOpen({ name, mime: file.mime, head: await readHead(file.path) });
  if (refused !== null) return { refused };
  const folder = await mkdtemp(join(tempDir, OPEN_FOLDER_PREFIX));
  const path = join(folder, name);
  try {
    // The sanitiser promises one path component; this keeps the promise even if it broke it.
    if (dirname(path) !== folder || basename(path) !== name) throw new Error('Refused an unsafe file name.');
    await copyFile(file.path, path, constants.COPYFILE_EXCL);
    if (platform === 'win32') await markFromInternet(path);
    await chmod(path, 0o400);
    return { path, folder };
  } catch (err) {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** The whole "Open" request from the window: checks, the copy, the system's app. Never throws. */
export async function openAttachment(deps: OpenDeps, attachmentId: unknown): Promise<Result<OpenedFile>> {
  if (typeof attachmentId !== 'number' || !Number.isSafeInteger(attachmentId) || attachmentId <= 0) {
    return { ok: false, error: { code: 'invalid-request', message: 'Invalid openAttachment request.' } };
  }
  const file = deps.media.fileOf(attachmentId);
  if (!file) return { ok: false, error: { code: 'not-found', message: 'That file is not downloaded yet.' } };
  const name = sanitizeFileName(file.name);
  let prepared: PreparedOpen;
  try {
    prepared = await prepareOpenCopy(file, deps.tempDir, deps.platform);
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: `Could not prepare “${name}” to open (${message(err)}).` } };
  }
  if ('refused' in prepared) return { ok: true, value: { opened: false, reason: prepared.refused } };
  let failure: string;
  try {
    failure = await deps.openPath(prepared.path);
  } catch (err) {
    failure = message(err) || 'unknown error';
  }
  if (failure !== '') {
    await rm(prepared.folder, { recursive: true, force: true }).catch(() => undefined);
    return {
      ok: false,
      error: { code: 'unavailable', message: `No app on this computer could open “${name}” (${failure}). Save it and open it from there.` },
    };
  }
  return { ok: true, value: { opened: true } };
}

/**
 * Removes this user's open-copies older than `maxAgeMs` from the temp folder (on start: the
 * received files do not linger there). Only real folders with our prefix that this user owns are
 * touched — never a symlink, never another user's folder. Returns how many went.
 */
export async function removeOldOpenCopies(tempDir: string, maxAgeMs = OPEN_COPY_MAX_AGE_MS, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tempDir);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(OPEN_FOLDER_PREFIX)) continue;
    const folder = join(tempDir, name);
    const info = await lstat(folder).catch(() => null);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid) || now - info.mtimeMs < maxAgeMs) continue;
    try {
      await rm(folder, { recursive: true, force: true });
      removed++;
    } catch {
      // Still open somewhere (Windows locks open files): the next start tries again.
    }
  }
  return removed;
}
