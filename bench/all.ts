// `npm run bench`: runs every benchmark in its own process (so one's heap and caches do not
// colour the next) and prints their results as one JSON object, keyed by benchmark.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = { store: 'store.bench.ts', interop: 'interop.bench.ts', media: 'media.bench.ts' } as const;
const results: Record<string, unknown> = {};
for (const [name, file] of Object.entries(benches)) {
  process.stderr.write(`== ${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) {
    process.stderr.write(`${name} benchmark failed (exit ${run.status})\n`);
    process.exit(1);
  }
  results[name] = JSON.parse(run.stdout);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
