// `npm start`: the desktop app in development, or a plain explanation when Electron is missing.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, missingElectronMessage } from './electron-binary';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronPackageDir = path.join(root, 'node_modules/electron');

// Since Electron 42, npm ci does not fetch the binary: the first start does, once.
if (!findElectronBinary(electronPackageDir) && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  process.stderr.write('Downloading the Electron binary (once)…\n');
  spawnSync(process.execPath, [path.join(electronPackageDir, 'install.js')], { stdio: 'inherit' });
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
