// `npm run serve`: Quire in the browser, rebuilt only when its sources changed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCurrentBuild } from './build-app';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (!ensureCurrentBuild(root)) process.exit(1);

const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(root, 'electron/core/cli/main.ts'),
    'serve',
    ...process.argv.slice(2),
  ],
  { cwd: process.cwd(), stdio: 'inherit' },
);
// Ctrl+C reaches the server itself (same process group): just wait for it to shut down.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  if (server.exitCode === null) server.kill('SIGTERM');
});
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
