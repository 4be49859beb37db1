// "Save": a copy of a cached file, out of the profile, under a name the sender cannot abuse.
// `saveInto` picks the name itself (sanitised, never overwriting: "name (1).ext", …); `saveAs`
// writes where the user chose in the system's save dialog, which already asked about overwriting.

import { constants } from 'node:fs';
import { copyFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { numberedName, sanitizeFileName } from './fileName';

/** Names tried before giving up on a folder full of "name (n).ext". */
const MAX_TRIES = 1000;

export class SaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaveError';
  }
}

function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/**
 * Copies `source` into `directory` under the sanitised form of `name`; returns the path written.
 * The file is created exclusively (O_EXCL): an existing file or symlink of that name is never
 * written through or replaced.
 */
export async function saveInto(source: string, name: string, directory: string): Promise<string> {
  let dir: string;
  try {
    dir = await realpath(directory);
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new SaveError(`Cannot save into ${directory}: it is not a folder that exists.`);
  }
  const safe = sanitizeFileName(name);
  for (let n = 0; n < MAX_TRIES; n++) {
    const candidate = n === 0 ? safe : numberedName(safe, n);
    const dest = join(dir, candidate);
    // The sanitiser promises one path component; this keeps the promise even if it broke it.
    if (dirname(dest) !== dir || basename(dest) !== candidate) throw new SaveError('Refused an unsafe file name.');
    try {
      await copyFile(source, dest, constants.COPYFILE_EXCL);
      return dest;
    } catch (err) {
      if (code(err) === 'EEXIST') continue;
      // A half-written copy (disk full) is not left behind under the real name.
      if (code(err) !== 'ENOENT') await rm(dest, { force: true }).catch(() => undefined);
      throw new SaveError(`Could not save “${safe}” in ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new SaveError(`Could not save “${safe}” in ${dir}: too many files with that name already.`);
}

/** Copies `source` to exactly `destination` (a path the user picked in a save dialog). */
export async function saveAs(source: string, destination: string): Promise<void> {
  try {
    await copyFile(source, destination);
  } catch (err) {
    throw new SaveError(`Could not save to ${destination}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
