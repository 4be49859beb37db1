// One running core per profile: two would connect the same accounts twice and race on the outbox.
// The lock is a file holding the owner's pid; a lock left by a process that died is taken over.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockProfile(dir: string): () => void {
  const file = join(dir, 'switchboard.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`This profile (${dir}) is already open in another Switchboard (process ${owner}). Close it first, or choose another profile.`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the profile ${dir}.`);
}
