import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { PlatformPackager } from 'app-builder-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import config, { ELECTRON_FUSES } from './electron-builder.config';
import { findElectronBinary } from '../scripts/electron-binary';

const root = path.resolve(__dirname, '..');

/** What the packed binary must say, fuse by fuse (index in the wire → on/off). */
const EXPECTED: Array<[FuseV1Options, boolean]> = [
  [FuseV1Options.RunAsNode, false],
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
  [FuseV1Options.EnableNodeCliInspectArguments, false],
  [FuseV1Options.EnableCookieEncryption, true],
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
  [FuseV1Options.OnlyLoadAppFromAsar, true],
];

type Wire = Awaited<ReturnType<typeof getCurrentFuseWire>>;

/** The fuses of a wire that differ from EXPECTED, as "Name: on, expected off". */
function mismatches(wire: Wire): string[] {
  const wanted = (on: boolean) => (on ? FuseState.ENABLE : FuseState.DISABLE);
  const label = (state: number | undefined) =>
    state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : String(state);
  return EXPECTED.filter(([fuse, on]) => wire[fuse] !== wanted(on)).map(
    ([fuse, on]) => `${FuseV1Options[fuse]}: ${label(wire[fuse])}, expected ${on ? 'on' : 'off'}`,
  );
}

/** The fuse wire electron-builder writes for our configuration, through its own translation. */
async function builderFuseConfig(): Promise<FuseV1Config> {
  const generate = (
    PlatformPackager.prototype as unknown as {
      generateFuseConfig(fuses: typeof ELECTRON_FUSES): Promise<FuseV1Config>;
    }
  ).generateFuseConfig;
  return generate.call(null, config.electronFuses!);
}

/**
 * A stand-in for the file that holds Electron's fuse wire, with Electron's own defaults (nine
 * fuses, as in Electron 45): RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on.
 */
function fakeFuseFile(file: string): void {
  const { ENABLE: on, DISABLE: off } = FuseState;
  const wire = [on, off, on, on, off, off, off, on, off];
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('\x7fELF...machine code...'),
      Buffer.from(SENTINEL),
      Buffer.from([1, wire.length, ...wire]),
      Buffer.from('...more machine code'),
    ]),
  );
}

describe('the Electron fuses in the installer configuration', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect; turn on cookie encryption and asar-only, checked loading', () => {
    expect(config.electronFuses).toBe(ELECTRON_FUSES);
    expect(ELECTRON_FUSES).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      resetAdHocDarwinSignature: true,
    });
  });

  it('survive the way electron-builder loads the configuration file', async () => {
    const loaded = await getConfig(root, 'build/electron-builder.config.ts', null);
    expect(loaded.electronFuses).toEqual(ELECTRON_FUSES);
  });

  it('keep the packed app an app: nothing shipped relies on ELECTRON_RUN_AS_NODE', () => {
    // With RunAsNode off, Electron ignores ELECTRON_RUN_AS_NODE and starts the whole app
    // instead: a child process forked that way must use utilityProcess.fork.
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name)) {
          if (fs.readFileSync(file, 'utf8').includes('ELECTRON_RUN_AS_NODE'))
            offenders.push(path.relative(root, file));
        }
      }
    };
    walk(path.join(root, 'electron'));
    expect(
      offenders,
      `the RunAsNode fuse is off, so ELECTRON_RUN_AS_NODE does nothing in the packaged app: ${offenders.join(', ')}`,
    ).toEqual([]);
  });
});

describe('the fuse wire electron-builder writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-fuses-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('flips exactly the configured fuses and leaves the others as Electron ships them', async () => {
    const file = path.join(dir, 'electron');
    fakeFuseFile(file);
    const before = await getCurrentFuseWire(file);
    expect(mismatches(before)).toHaveLength(EXPECTED.length);

    await flipFuses(file, await builderFuseConfig());
    const after = await getCurrentFuseWire(file);
    expect(mismatches(after)).toEqual([]);
    for (const fuse of [6, 7, 8])
      expect(after[fuse as FuseV1Options]).toBe(before[fuse as FuseV1Options]);
  });

  it('fits the wire of the installed Electron binary, when there is one', async (ctx) => {
    const binary = findElectronBinary(path.join(root, 'node_modules/electron'));
    if (!binary) {
      console.log('[electron-fuses] skipped: no Electron binary in node_modules/electron/dist');
      ctx.skip();
      return;
    }
    // On macOS the wire lives in the framework, not in the launcher; copy just that file.
    const source = binary.includes('.app')
      ? path.resolve(binary, '../../Frameworks/Electron Framework.framework/Electron Framework')
      : binary;
    const copy = path.join(dir, 'electron');
    fs.copyFileSync(source, copy);
    await flipFuses(copy, await builderFuseConfig());
    expect(mismatches(await getCurrentFuseWire(copy))).toEqual([]);
  });
});

/** Packed apps from `npm run dist` (or `-- --dir`): dist/linux-unpacked, win-unpacked, mac-arm64. */
function packedBinaries(): string[] {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(dist)) return [];
  return fs
    .readdirSync(dist)
    .filter((name) => name.endsWith('-unpacked') || name.startsWith('mac'))
    .flatMap((name) =>
      ['quire', 'Quire.exe', 'Quire.app'].map((binary) => path.join(dist, name, binary)),
    )
    .filter((binary) => fs.existsSync(binary));
}

describe('a packed app', () => {
  it('carries the configured fuses in its binary', async (ctx) => {
    const binaries = packedBinaries();
    if (binaries.length === 0) {
      console.log('[electron-fuses] skipped: no packed app in dist/ (run `npm run dist`)');
      ctx.skip();
      return;
    }
    for (const binary of binaries) {
      let wire: Wire;
      try {
        wire = await getCurrentFuseWire(binary);
      } catch (error) {
        // A folder packed with a stand-in for Electron (ELECTRON_OVERRIDE_DIST_PATH) has no wire.
        console.log(`[electron-fuses] ${path.relative(root, binary)}: ${String(error)}`);
        continue;
      }
      expect(mismatches(wire), path.relative(root, binary)).toEqual([]);
    }
  });
});
