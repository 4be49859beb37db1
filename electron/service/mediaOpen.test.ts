// "Open" in Electron, without Electron: the copy it hands to the system's app (private folder,
// sanitised name, read-only, byte-identical, never the cache itself), what it refuses before any
// copy, and the clean-up of old copies.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { MediaFile } from './media';
import { OPEN_FOLDER_PREFIX, openAttachment, removeOldOpenCopies, type OpenDeps } from './mediaOpen';

const root = mkdtempSync(join(tmpdir(), 'sb-open-test-'));
const cache = join(root, 'cache');
mkdirSync(cache);
let temp: string;
let n = 0;
const posix = process.platform !== 'win32';

afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  temp = join(root, `temp-${++n}`);
  mkdirSync(temp);
});

/** A cached file (as Media.fileOf describes it) under the sender's name and type. */
function cached(name: string, mime: string, bytes: Buffer = randomBytes(1024)): MediaFile & { bytes: Buffer } {
  const hash = randomBytes(32).toString('hex');
  const path = join(cache, hash);
  writeFileSync(path, bytes, { mode: 0o600 });
  return { path, size: bytes.length, mime, name, contentHash: hash, bytes };
}

/** The door's dependencies over a table of attachments, recording what was handed to the system. */
function door(files: Record<number, MediaFile>, answer: (path: string) => string | Promise<string> = () => '') {
  const opened: string[] = [];
  const deps: OpenDeps = {
    media: { fileOf: (id) => files[id] },
    tempDir: temp,
    openPath: async (path) => {
      opened.push(path);
      return answer(path);
    },
  };
  return { deps, opened };
}

const folders = () => readdirSync(temp);

describe('openAttachment', () => {
  it('opens a copy of a PDF: its own private folder in temp, the sanitised name, the same bytes, read-only', async () => {
    const pdf = cached('../../Quarterly report.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096)]));
    const { deps, opened } = door({ 5: pdf });
    expect(await openAttachment(deps, 5)).toEqual({ ok: true, value: { opened: true } });
    expect(opened).toHaveLength(1);
    const path = opened[0]!;
    expect(basename(path)).toBe('Quarterly report.pdf');
    const folder = dirname(path);
    expect(dirname(folder)).toBe(temp);
    expect(basename(folder).startsWith(OPEN_FOLDER_PREFIX)).toBe(true);
    expect(readdirSync(folder)).toEqual(['Quarterly report.pdf']);
    expect(readFileSync(path).equals(pdf.bytes)).toBe(true);
    expect(path).not.toBe(pdf.path);
    if (posix) {
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o400);
    }
    // The cache is untouched.
    expect(readFileSync(pdf.path).equals(pdf.bytes)).toBe(true);
  });

  it('gives every open a fresh folder: a second open of the same file does not reuse or overwrite the first', async () => {
    const txt = cached('notes.txt', 'text/plain', Buffer.from('hello\n'));
    const { deps, opened } = door({ 1: txt });
    await openAttachment(deps, 1);
    await openAttachment(deps, 1);
    expect(opened).toHaveLength(2);
    expect(dirname(opened[0]!)).not.toBe(dirname(opened[1]!));
    expect(folders()).toHaveLength(2);
  });

  it.each([
    ['setup.exe', 'application/octet-stream'],
    ['../../evil.sh', 'text/x-sh'],
    ['Invoice.pdf.exe', 'application/pdf'],
    ['cod\u202Egnp.exe', 'image/png'],
    ['launcher.desktop', 'text/plain'],
    ['notes.txt', 'application/x-msdownload'],
    ['page.html', 'text/html'],
  ])('refuses %s (%s) before any copy, with the reason and the advice', async (name, mime) => {
    const file = cached(name, mime, Buffer.from('harmless-looking bytes'));
    const { deps, opened } = door({ 2: file });
    const answer = await openAttachment(deps, 2);
    expect(answer.ok && answer.value).toMatchObject({ opened: false });
    const reason = answer.ok && !answer.value.opened ? answer.value.reason : '';
    expect(reason).toMatch(/^Switchboard does not open “[^”]+”: files of this kind can run programs or change your computer\. If you trust it, save it and open it yourself\.$/);
    expect(reason).not.toContain('/');
    expect(opened).toEqual([]);
    expect(folders()).toEqual([]);
  });

  it('refuses a program by its bytes whatever its name and type say', async () => {
    const elf = cached('holiday', 'application/octet-stream', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), randomBytes(100)]));
    const pe = cached('photo.jpg', 'image/jpeg', Buffer.concat([Buffer.from('MZ'), randomBytes(100)]));
    const script = cached('README', 'text/plain', Buffer.from('#!/bin/sh\nrm -rf ~\n'));
    const { deps, opened } = door({ 1: elf, 2: pe, 3: script });
    for (const id of [1, 2, 3]) expect(await openAttachment(deps, id)).toMatchObject({ ok: true, value: { opened: false } });
    expect(opened).toEqual([]);
    expect(folders()).toEqual([]);
  });

  it('says when the file is not here, and refuses ids that are not attachment ids', async () => {
    const { deps, opened } = door({});
    expect(await openAttachment(deps, 9)).toEqual({ ok: false, error: { code: 'not-found', message: 'That file is not downloaded yet.' } });
    for (const bad of ['9', 0, -1, 1.5, Number.NaN, 2 ** 60, null, undefined, { id: 1 }]) {
      expect(await openAttachment(deps, bad)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(opened).toEqual([]);
    expect(folders()).toEqual([]);
  });

  it('when no app opens it: an error naming the file, and the copy is removed', async () => {
    const odd = cached('data.xyz', 'application/octet-stream');
    const failing = door({ 1: odd }, () => 'Failed to open path');
    expect(await openAttachment(failing.deps, 1)).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'No app on this computer could open “data.xyz” (Failed to open path). Save it and open it from there.' },
    });
    expect(folders()).toEqual([]);
    const throwing = door({ 1: odd }, () => Promise.reject(new Error('shell gone')));
    expect(await openAttachment(throwing.deps, 1)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(folders()).toEqual([]);
  });

  it('a cached file that vanished is an error, and no folder is left behind', async () => {
    const gone = cached('gone.pdf', 'application/pdf');
    rmSync(gone.path);
    const { deps, opened } = door({ 1: gone });
    expect(await openAttachment(deps, 1)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(opened).toEqual([]);
    expect(folders()).toEqual([]);
  });

  it('on Windows, marks the copy as from the internet (the Zone.Identifier stream)', async () => {
    // On NTFS `name:Zone.Identifier` is a stream of the file; elsewhere the same write makes a
    // second file of that name, which lets this test read what was written.
    const doc = cached('letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const { deps, opened } = door({ 1: doc });
    await openAttachment({ ...deps, platform: 'win32' }, 1);
    if (posix) expect(readFileSync(`${opened[0]!}:Zone.Identifier`, 'utf8')).toBe('[ZoneTransfer]\r\nZoneId=3\r\n');
    const other = door({ 1: doc });
    await openAttachment({ ...other.deps, platform: 'linux' }, 1);
    expect(existsSync(`${other.opened[0]!}:Zone.Identifier`)).toBe(false);
  });
});

describe('removeOldOpenCopies', () => {
  it('removes only this user’s old open folders: not new ones, not other folders, not through symlinks', async () => {
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    const old = join(temp, `${OPEN_FOLDER_PREFIX}old111`);
    const fresh = join(temp, `${OPEN_FOLDER_PREFIX}new222`);
    const unrelated = join(temp, 'someone-else');
    for (const dir of [old, fresh, unrelated]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'f.txt'), 'x', { mode: 0o400 });
    }
    const outside = join(root, `outside-${n}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'keep');
    const link = join(temp, `${OPEN_FOLDER_PREFIX}link333`);
    symlinkSync(outside, link);
    const twoDaysAgo = new Date(now - 2 * day);
    for (const dir of [old, unrelated, outside]) utimesSync(dir, twoDaysAgo, twoDaysAgo);

    expect(await removeOldOpenCopies(temp, day, now)).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('a temp folder that does not exist is nothing to clean', async () => {
    expect(await removeOldOpenCopies(join(temp, 'missing'))).toBe(0);
  });
});
