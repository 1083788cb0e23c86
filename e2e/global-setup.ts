import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The UI tests need the built renderer; build it once if it is missing. */
export default function globalSetup(): void {
  const index = path.resolve('out/renderer/index.html');
  if (fs.existsSync(index) && !process.env.QUIRE_REBUILD) return;
  execFileSync(
    process.execPath,
    [path.resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { stdio: 'inherit' },
  );
}
