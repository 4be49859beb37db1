import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openStore } from './store';
import { ACCOUNT, tempDir } from './test-helpers';

const fixture = fileURLToPath(new URL('./test-fixtures/queue-then-crash.ts', import.meta.url));
let cleanup = () => {};
afterEach(() => cleanup());

it('a message queued just before the process is killed is in listQueued exactly once', async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const path = join(tmp.dir, 'switchboard.sqlite');

  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const queuedId = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /queued (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`fixture exited (${code}) before queueing: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  // The commit lives in the WAL, not yet in the main file: this is the case that matters.
  expect(existsSync(`${path}-wal`)).toBe(true);

  const store = openStore(path);
  try {
    const queued = store.listQueued(ACCOUNT.id);
    expect(queued.map((m) => ({ id: m.id, clientId: m.clientId, body: m.body, status: m.status }))).toEqual([
      { id: queuedId, clientId: 'crash-1', body: 'survives a crash', status: 'queued' },
    ]);
  } finally {
    store.close();
  }
});
