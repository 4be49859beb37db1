// Saving a received file: a copy inside the chosen folder under a harmless name, never over
// anything that is already there — whatever name the sender chose.

import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardService } from './service';
import { useProfileDirs } from './testing/serviceHarness';

const newDir = useProfileDirs('sb-save-');
let service: SwitchboardService;
let chatId: number;
let root: string;

/** A file in the cache, attached to a message under the sender's `name`. */
async function fileNamed(name: string, bytes = randomBytes(2048), contentHash?: string | null): Promise<{ id: number; bytes: Buffer }> {
  const staged = await service.media.stage(Readable.from([bytes]));
  const row = service.store.queueOutgoing({
    chatId,
    clientId: randomBytes(8).toString('hex'),
    body: '',
    now: Date.now(),
    attachments: [{ kind: 'file', mime: 'application/octet-stream', size: bytes.length, name, contentHash: contentHash === undefined ? staged.stagedId : contentHash }],
  });
  return { id: service.store.listAttachments(row.id)[0]!.id, bytes };
}

beforeAll(() => {
  root = newDir();
  service = new SwitchboardService({ dataDir: join(root, 'profile') });
  service.store.addAccount({ id: 'acc', network: 'xmpp', address: 'me@example.org', settingsJson: '{"password":"x"}', createdAt: 1 });
  chatId = service.store.upsertChat(
    'acc',
    { address: 'eve@example.org', title: 'Eve', kind: 'direct', inbox: 'native', security: { e2ee: false, protocol: null, endsAt: 'server', label: 'x' } },
    1,
  ).id;
});

afterAll(() => service.stop());

describe('saveAttachmentTo', () => {
  it('saves ../../evil.sh as evil.sh inside the folder, byte-identical, and nothing outside it', async () => {
    const downloads = join(root, 'a', 'b', 'downloads');
    mkdirSync(downloads, { recursive: true });
    const { id, bytes } = await fileNamed('../../evil.sh');
    const saved = await service.saveAttachmentTo(id, downloads);
    expect(saved).toBe(join(downloads, 'evil.sh'));
    expect(readFileSync(saved).equals(bytes)).toBe(true);
    expect(readdirSync(join(root, 'a'))).toEqual(['b']);
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['downloads']);
  });

  it.each([
    ['/etc/passwd', 'passwd'],
    ['..', 'file'],
    ['.bashrc', 'bashrc'],
    ['a\\..\\..\\b.txt', 'b.txt'],
    ['CON.txt', '_CON.txt'],
    ['x\u202Egpj.exe', 'xgpj.exe'],
  ])('saves %j as %j', async (name, expected) => {
    const folder = join(root, `f-${randomBytes(4).toString('hex')}`);
    mkdirSync(folder);
    const { id } = await fileNamed(name);
    expect(await service.saveAttachmentTo(id, folder)).toBe(join(folder, expected));
    expect(readdirSync(folder)).toEqual([expected]);
  });

  it('never overwrites: the next free "name (n).ext" is used and the old file is untouched', async () => {
    const folder = join(root, 'again');
    mkdirSync(folder);
    writeFileSync(join(folder, 'report.pdf'), 'mine, keep me');
    const { id, bytes } = await fileNamed('report.pdf');
    expect(await service.saveAttachmentTo(id, folder)).toBe(join(folder, 'report (1).pdf'));
    expect(await service.saveAttachmentTo(id, folder)).toBe(join(folder, 'report (2).pdf'));
    expect(readFileSync(join(folder, 'report.pdf'), 'utf8')).toBe('mine, keep me');
    expect(readFileSync(join(folder, 'report (2).pdf')).equals(bytes)).toBe(true);
  });

  it('never writes through a symlink that has the name', async () => {
    const folder = join(root, 'links');
    mkdirSync(folder);
    const target = join(root, 'victim.txt');
    writeFileSync(target, 'do not touch');
    symlinkSync(target, join(folder, 'notes.txt'));
    symlinkSync(join(root, 'nowhere.txt'), join(folder, 'notes (1).txt'));
    const { id } = await fileNamed('notes.txt');
    expect(await service.saveAttachmentTo(id, folder)).toBe(join(folder, 'notes (2).txt'));
    expect(readFileSync(target, 'utf8')).toBe('do not touch');
    expect(existsSync(join(root, 'nowhere.txt'))).toBe(false);
    expect(lstatSync(join(folder, 'notes (2).txt')).isFile()).toBe(true);
  });

  it('refuses a folder that does not exist, and a file that is not here yet', async () => {
    const { id } = await fileNamed('a.txt');
    await expect(service.saveAttachmentTo(id, join(root, 'missing'))).rejects.toThrow(/not a folder/);
    const notHere = await fileNamed('b.txt', randomBytes(10), null);
    await expect(service.saveAttachmentTo(notHere.id, root)).rejects.toThrow(/not downloaded yet/);
  });
});

describe('the media cache clean-up', () => {
  it('drops staged files no message uses after a day, and keeps the rest', async () => {
    const used = await fileNamed('kept.bin');
    const unusedNew = await service.media.stage(Readable.from([randomBytes(100)]));
    const unusedOld = await service.media.stage(Readable.from([randomBytes(100)]));
    const usedHash = service.store.getAttachment(used.id)!.contentHash!;
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(service.media.cache.pathOf(unusedOld.stagedId), twoDaysAgo, twoDaysAgo);
    utimesSync(service.media.cache.pathOf(usedHash), twoDaysAgo, twoDaysAgo);
    await service.media.removeUnusedStaged();
    expect(service.media.cache.sizeOf(unusedOld.stagedId)).toBeUndefined();
    expect(service.media.cache.sizeOf(unusedNew.stagedId)).toBe(100);
    expect(service.media.cache.sizeOf(usedHash)).toBe(used.bytes.length);
  });
});
