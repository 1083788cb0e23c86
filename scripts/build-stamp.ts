// Decides whether `out/` still matches the sources, so `npm run serve` can skip a ~20 s build.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Everything electron-vite reads to produce `out/`. */
export const BUILD_INPUTS = [
  'electron',
  'renderer',
  'shared',
  'electron.vite.config.ts',
  'package.json',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
];

/** The files a build must have produced; a stamp without them is no build at all. */
export const BUILD_OUTPUTS = [
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];

export const STAMP_FILE = 'out/.build-stamp.json';

type Stamp = { inputs: string; builtAt: string };

export type BuildDecision =
  { rebuild: false; reason: string } | { rebuild: true; reason: string; fingerprint: string };

/** Tests are never bundled, so editing one must not cost a rebuild. */
function isBuildInput(file: string): boolean {
  return !/\.test(-d)?\.tsx?$/.test(file);
}

/** The input files under `root`, relative, with forward slashes, sorted. */
export function listBuildInputs(root: string, inputs: readonly string[] = BUILD_INPUTS): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    const full = path.join(root, relative);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      return; // an optional input (say, one tsconfig) that this checkout lacks
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        walk(path.join(relative, name));
      }
    } else if (isBuildInput(relative)) {
      files.push(relative.split(path.sep).join('/'));
    }
  };
  for (const input of inputs) walk(input);
  return files.sort();
}

/** A hash of the inputs' names and contents: mtimes change on every git checkout, contents do not. */
export function fingerprintBuildInputs(
  root: string,
  inputs: readonly string[] = BUILD_INPUTS,
): string {
  const hash = createHash('sha256');
  for (const file of listBuildInputs(root, inputs)) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

function readStamp(root: string): Stamp | null {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP_FILE), 'utf8')) as Stamp;
    return typeof stamp.inputs === 'string' ? stamp : null;
  } catch {
    return null;
  }
}

export function decideBuild(
  root: string,
  options: { inputs?: readonly string[]; outputs?: readonly string[] } = {},
): BuildDecision {
  const fingerprint = fingerprintBuildInputs(root, options.inputs ?? BUILD_INPUTS);
  const outputs = options.outputs ?? BUILD_OUTPUTS;
  if (outputs.some((file) => !fs.existsSync(path.join(root, file))))
    return { rebuild: true, reason: 'No build yet', fingerprint };
  const stamp = readStamp(root);
  if (!stamp)
    return { rebuild: true, reason: 'The build has no record of its sources', fingerprint };
  if (stamp.inputs !== fingerprint)
    return { rebuild: true, reason: 'Sources changed', fingerprint };
  return { rebuild: false, reason: `Using the current build (from ${stamp.builtAt})` };
}

/** Call after a successful build, with the fingerprint taken BEFORE it: an edit made during the build then still counts as a change. */
export function writeStamp(root: string, fingerprint: string, now = new Date()): void {
  const stamp: Stamp = { inputs: fingerprint, builtAt: now.toISOString() };
  const file = path.join(root, STAMP_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(stamp)}\n`);
}
