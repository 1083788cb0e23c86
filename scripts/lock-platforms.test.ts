import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

type LockEntry = { version: string; os?: string[]; cpu?: string[]; optional?: boolean };
const lock = JSON.parse(fs.readFileSync(path.resolve('package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const pkg = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

// The platforms Quire ships installers for.
const TARGETS = [
  { os: 'darwin', cpu: 'arm64' },
  { os: 'linux', cpu: 'x64' },
  { os: 'win32', cpu: 'x64' },
] as const;

/** Every top-level package whose binaries come as per-platform optional packages. */
const NATIVE_FAMILIES: Record<string, string> = {
  '@lancedb/lancedb': '@lancedb/lancedb-',
  'node-llama-cpp': '@node-llama-cpp/',
  '@napi-rs/canvas': '@napi-rs/canvas-',
  rollup: '@rollup/rollup-',
  esbuild: '@esbuild/',
};

const covers = (entry: LockEntry, target: (typeof TARGETS)[number]) =>
  (entry.os ?? []).includes(target.os) && (entry.cpu ?? []).includes(target.cpu);

describe('package-lock.json', () => {
  for (const [name, prefix] of Object.entries(NATIVE_FAMILIES)) {
    it(`lists ${name}'s builds for darwin-arm64, linux-x64 and win32-x64 at its own version`, () => {
      const parent = lock.packages[`node_modules/${name}`];
      expect(parent, `${name} is in the lock`).toBeDefined();
      const builds = Object.entries(lock.packages).filter(([key]) =>
        key.startsWith(`node_modules/${prefix}`),
      );
      for (const target of TARGETS) {
        const match = builds.find(([, entry]) => covers(entry, target));
        expect(match, `${name} for ${target.os}-${target.cpu}`).toBeDefined();
        // A build of another version would be refused or fail to load at run time.
        expect(match![1].version).toBe(parent!.version);
      }
    });
  }

  it('pins the natively built dependencies to versions whose every platform build is served', () => {
    expect(pkg.dependencies['@lancedb/lancedb']).toBe('0.31.0');
    expect(pkg.dependencies['node-llama-cpp']).toBe('3.21.1');
    expect(pkg.dependencies['@napi-rs/canvas']).toBe(
      lock.packages['node_modules/@napi-rs/canvas']!.version,
    );
  });
});
