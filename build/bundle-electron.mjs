// Bundles the Electron main process (ESM) and the sandboxed preload (a single CommonJS script, as
// sandboxed preloads must be) into dist/electron. Packages stay external: electron-builder ships
// node_modules, and native ones (better-sqlite3, libsignal) cannot be bundled.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/electron/main.js',
  format: 'esm',
  packages: 'external',
});

await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'],
});
