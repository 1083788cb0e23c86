// Finds the packages an installer ships that contain native code, so a test can check that
// each one is unpacked from app.asar. Walks what electron-builder copies: the production
// dependency tree, resolved the way Node resolves it.
import fs from 'node:fs';
import path from 'node:path';

/** Compiled code that the OS loader (not Node's require) must find on disk. */
const NATIVE_FILE = /\.(node|so(\.\d+)*|dylib|dll|exe)$/;

/** Known to load native code even where this machine holds no binary for them. */
export const KNOWN_NATIVE_PACKAGES = [
  '@lancedb/lancedb',
  'onnxruntime-node',
  'node-llama-cpp',
  'keytar',
  '@napi-rs/canvas',
];

export type ShippedPackage = { name: string; dir: string };

type Manifest = {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Node's lookup: the nearest node_modules/<name> from `fromDir` up to the project root. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/** Every package reachable from the project's `dependencies` (optional ones when installed). */
export function shippedPackages(root: string): ShippedPackage[] {
  const found = new Map<string, ShippedPackage>();
  const visit = (dir: string) => {
    const manifest = readManifest(dir);
    const names = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ];
    for (const name of names) {
      const packageDir = resolvePackageDir(name, dir, root);
      if (!packageDir || found.has(packageDir)) continue; // an optional one for another platform
      found.set(packageDir, { name, dir: packageDir });
      visit(packageDir);
    }
  };
  visit(root);
  return [...found.values()];
}

/** All files under `dir`, skipping nested node_modules (those are packages of their own). */
export function packageFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(dir);
  return files;
}

/** The shipped packages that hold a native binary, or are known to load one. */
export function nativePackages(root: string): ShippedPackage[] {
  return shippedPackages(root).filter(
    (pkg) =>
      KNOWN_NATIVE_PACKAGES.includes(pkg.name) ||
      packageFiles(pkg.dir).some((file) => NATIVE_FILE.test(file)),
  );
}
