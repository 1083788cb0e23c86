// Whether the Electron binary that `npm start` and `npm run dist` need is on this machine.
import fs from 'node:fs';
import path from 'node:path';

/** The same lookup as the `electron` package's own index.js, without the download it starts when the binary is missing. */
export function findElectronBinary(
  electronPackageDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  let executable = '';
  try {
    executable = fs.readFileSync(path.join(electronPackageDir, 'path.txt'), 'utf8');
  } catch {
    // No path.txt: the install step never downloaded the binary.
  }
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(electronPackageDir, 'dist');
  if (!executable && !env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  const binary = path.join(dist, executable || 'electron');
  return fs.existsSync(binary) ? binary : null;
}

/** What `npm start` says when there is no binary: what is missing, how to get it, what works meanwhile. */
export function missingElectronMessage(electronPackageDir: string): string {
  const relative = path.relative(process.cwd(), electronPackageDir) || electronPackageDir;
  return [
    `Quire's desktop app needs the Electron binary, and it is not installed (${relative} has no downloaded dist/ folder).`,
    // Since Electron 42, npm ci no longer downloads it: the package fetches it on first use.
    `To get it, run \`npx install-electron\` (or \`node ${path.join(relative, 'install.js')}\`) on a machine with internet access;`,
    '`npm ci` does not download it.',
    'Meanwhile, `npm run serve` runs Quire in your browser.',
  ].join('\n');
}
