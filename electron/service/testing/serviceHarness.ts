// Shared setup for the service's integration tests: throwaway profile directories, services tuned
// to reconnect fast, a `call` that throws on an error result, and waiting for a named core event.
// `useLiveProsody` starts a real Prosody for the whole test file and registers its users.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startProsody, type ProsodyOptions, type ProsodyServer } from '../../../test/servers/prosody';
import type { CoreEvent, Method, Params, Results } from '../../api/contract';
import { SwitchboardService } from '../service';

/** Profile directories under the system temp dir, all removed by `removeAll`. */
export function profileDirs(prefix: string): { make(): string; removeAll(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh profile directory per call; every one is removed after the test file. */
export function useProfileDirs(prefix: string): () => string {
  const dirs = profileDirs(prefix);
  afterAll(() => dirs.removeAll());
  return () => dirs.make();
}

/** Calls the service and returns the value, or throws with the method and the error message. */
export async function call<M extends Method>(service: SwitchboardService, method: M, params: Params<M>): Promise<Results[M]> {
  const result = await service.call(method, params);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value as Results[M];
}

export interface WaitOptions {
  /** Named in the timeout error: "timed out waiting for <what>". */
  what?: string;
  ms?: number;
}

/** The first core event that matches, or a rejection after `ms` (15 s unless told). */
export function waitForEvent<T extends CoreEvent>(service: SwitchboardService, match: (e: CoreEvent) => e is T, options?: WaitOptions): Promise<T>;
export function waitForEvent(service: SwitchboardService, match: (e: CoreEvent) => boolean, options?: WaitOptions): Promise<CoreEvent>;
export function waitForEvent(service: SwitchboardService, match: (e: CoreEvent) => boolean, { what = 'a core event', ms = 15_000 }: WaitOptions = {}): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = service.onEvent((e) => {
      if (match(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

export const isOnline = (e: CoreEvent): e is Extract<CoreEvent, { type: 'account' }> => e.type === 'account' && e.account.state.kind === 'online';

export interface LiveProsody {
  /** The server, available once the file's beforeAll has run. */
  readonly prosody: ProsodyServer;
  /** A fresh profile directory, removed after the test file. */
  profileDir(): string;
  /** A service on `dir` that trusts the test server's CA and reconnects within half a second. */
  newService(dir?: string): SwitchboardService;
  /** Adds `<user>@localhost` as an XMPP account (password `<user>-pw`) and waits until it is online. */
  addXmppAccount(service: SwitchboardService, user: string): Promise<string>;
}

/**
 * Starts a real Prosody before the file's tests and registers each user with the password
 * `<user>-pw`; afterwards stops it and removes the profiles.
 */
export function useLiveProsody({
  profilePrefix,
  users,
  prosody,
}: {
  profilePrefix: string;
  users: readonly string[];
  /** E.g. `{ httpUpload: true }` for an upload service (XEP-0363). */
  prosody?: ProsodyOptions;
}): LiveProsody {
  let server: ProsodyServer | undefined;
  const dirs = profileDirs(profilePrefix);

  beforeAll(async () => {
    server = await startProsody(prosody);
    for (const user of users) await server.register(user, `${user}-pw`);
  });

  afterAll(async () => {
    await server?.dispose();
    dirs.removeAll();
  });

  const live: LiveProsody = {
    get prosody() {
      if (!server) throw new Error('Prosody is not running yet: use it inside a test or a hook');
      return server;
    },
    profileDir: () => dirs.make(),
    newService(dir = dirs.make()) {
      return new SwitchboardService({ dataDir: dir, trustedCa: live.prosody.caPem, tuning: { reconnect: { baseMs: 100, maxMs: 500 } } });
    },
    async addXmppAccount(service, user) {
      const online = waitForEvent(service, isOnline);
      const account = await call(service, 'addAccount', { network: 'xmpp', address: `${user}@localhost`, password: `${user}-pw`, host: '127.0.0.1', port: live.prosody.c2sPort });
      await online;
      return account.id;
    },
  };
  return live;
}
