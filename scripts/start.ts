// `npm start`: the desktop app in development, or a plain explanation when Electron is missing.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, missingElectronMessage } from './electron-binary';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronPackageDir = path.join(root, 'node_modules/electron');

// Since Electron 42, npm ci does not fetch the binary: the first start does, once. Not when
// told not to, nor when an override folder names the binary to use.
const mayDownload =
  !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !process.env.ELECTRON_OVERRIDE_DIST_PATH;
if (!findElectronBinary(electronPackageDir) && mayDownload) {
  process.stderr.write('Downloading the Electron binary (once)…\n');
  const download = spawnSync(process.execPath, [path.join(electronPackageDir, 'install.js')], {
    encoding: 'utf8',
  });
  if (download.status !== 0) {
    // One line of why, not the installer's stack trace.
    const why = `${download.stderr ?? ''}`
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line && !line.startsWith('at '));
    process.stderr.write(`The download failed${why ? `: ${why}` : ''}.\n`);
  }
}
if (!findElectronBinary(electronPackageDir)) {
  process.stderr.write(`${missingElectronMessage(electronPackageDir)}\n`);
  process.exit(1);
}

const dev = spawn(
  process.execPath,
  [
    path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
    'dev',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl+C reaches electron-vite itself (same process group): just wait for it.
process.on('SIGINT', () => {});
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
