// Starts a real headless host (`electron/host/cli.ts`) for one profile, the way a user's
// `npm run web` would, and hands the spec the sign-in URL it prints.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HostProcess {
  loginUrl: string;
  profile: string;
  /** SIGTERM and wait: an orderly quit. */
  stop(): Promise<void>;
  /** Start again on the same profile (a new secret, so a new loginUrl). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

const root = resolve(import.meta.dirname, '..', '..');

export function newProfileDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `sb-e2e-${name}-`));
}

function launch(profile: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', '--profile', profile, '--port', '0', '--reconnect-base-ms', '200'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`host did not start in 30 s:\n${out}\n${err}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/Open: (http:\/\/127\.0\.0\.1:\d+\/\?k=\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl({ child, url: match[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startHost(name: string, options: { caPath?: string; profile?: string } = {}): Promise<HostProcess> {
  const profile = options.profile ?? newProfileDir(name);
  const env: NodeJS.ProcessEnv = options.caPath ? { NODE_EXTRA_CA_CERTS: options.caPath } : {};
  let current = await launch(profile, env);
  const host: HostProcess = {
    loginUrl: current.url,
    profile,
    async stop() {
      current.child.kill('SIGTERM');
      await waitExit(current.child);
    },
    async restart() {
      await host.stop();
      current = await launch(profile, env);
      host.loginUrl = current.url;
    },
    async dispose() {
      await host.stop();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return host;
}
