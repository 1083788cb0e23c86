// `npm run build`: electron-vite build, then a stamp of the sources it was built from.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decideBuild, fingerprintBuildInputs, writeStamp } from './build-stamp';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds `out/` and records its sources; false when electron-vite failed (it has said why). */
export function buildApp(root = projectRoot, fingerprint = fingerprintBuildInputs(root)): boolean {
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) return false;
  writeStamp(root, fingerprint);
  return true;
}

/** Reuses `out/` when it was built from the current sources; otherwise builds. Says which. */
export function ensureCurrentBuild(
  root = projectRoot,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): boolean {
  const decision = decideBuild(root);
  if (!decision.rebuild) {
    say(`${decision.reason}.`);
    return true;
  }
  say(`${decision.reason}; building…`);
  return buildApp(root, decision.fingerprint);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ok = process.argv.includes('--if-stale') ? ensureCurrentBuild() : buildApp();
  process.exit(ok ? 0 : 1);
}
