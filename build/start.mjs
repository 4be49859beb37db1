// `npm start`: opens the Electron app; where the Electron binary is not installed, says so in one
// sentence and starts the browser mode instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.mjs';

function run(command, args) {
  const child = spawn(command, args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

const built = existsSync('dist/renderer/index.html') && existsSync('dist/electron/main.js');
if (!built) {
  console.error('Building Switchboard first (npm run build)…');
  const b = spawn('npm', ['run', 'build'], { stdio: 'inherit' });
  await new Promise((resolve, reject) => b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error('build failed')))));
}

const electron = findElectronBinary();
if (electron) {
  run(electron, ['.', ...process.argv.slice(2)]);
} else {
  console.error(
    'The Electron binary is not installed (it downloads on first install, which needs internet: run `npx install-electron` where you have it); starting the browser mode instead — open the address printed below in your browser.',
  );
  run(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', ...process.argv.slice(2)]);
}
