// `npm run web -- --profile <dir> --port <n>`: runs the core for one profile and serves the UI to
// a browser on 127.0.0.1. Prints one line with the address to open (it carries the launch secret).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SwitchboardService } from '../service/service';
import { defaultProfileDir } from './profileDir';
import { startHost } from './server';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      port: { type: 'string', default: '0' },
      'static-dir': { type: 'string' },
      'reconnect-base-ms': { type: 'string' },
      'trusted-ca': { type: 'string' },
    },
  });
  const profile = resolve(values.profile ?? defaultProfileDir());
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}".`);
  const staticDir = resolve(values['static-dir'] ?? join(here, '..', '..', 'dist', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`The UI is not built (no ${join(staticDir, 'index.html')}). Run \`npm run build\` first.`);
  }
  const base = values['reconnect-base-ms'] ? Number(values['reconnect-base-ms']) : undefined;
  const service = new SwitchboardService({
    dataDir: profile,
    logToStderr: process.env.SWITCHBOARD_LOG_STDERR === '1',
    ...(base ? { tuning: { reconnect: { baseMs: base, maxMs: base * 8 } } } : {}),
    ...(values['trusted-ca'] ? { trustedCa: readFileSync(values['trusted-ca'], 'utf8') } : {}),
  });
  const host = await startHost({ core: service, staticDir, port });
  await service.start();
  process.stdout.write(`Switchboard (browser mode) is running. Open: ${host.loginUrl}\n`);
  process.stdout.write(`Profile: ${profile}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`Switchboard could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
