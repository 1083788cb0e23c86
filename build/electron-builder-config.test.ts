import fs from 'node:fs';
import path from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import config from './electron-builder.config';
import { KNOWN_NATIVE_PACKAGES, nativePackages, packageFiles } from './native-packages';

const root = path.resolve(__dirname, '..');
const CONFIG_FILE = 'build/electron-builder.config.ts';

/** electron-builder's own glob matching, as it decides what goes where (here for Linux x64). */
function matcher(patterns: string[]) {
  const expand = (pattern: string) =>
    pattern.replaceAll('${platform}', 'linux').replaceAll('${arch}', 'x64');
  const filter = new FileMatcher(root, '', expand, patterns).createFilter();
  const fileStat = { isDirectory: () => false } as fs.Stats;
  return (relative: string) => filter(path.join(root, relative), fileStat);
}

type TargetList = Array<{ target: string; arch: string[] }>;

describe('the electron-builder configuration', () => {
  it('loads the way electron-builder loads it, and passes its schema', async () => {
    const loaded = await getConfig(root, CONFIG_FILE, null);
    expect(loaded.appId).toBe('Quire');
    expect(loaded.productName).toBe('Quire');
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    // The same validator refuses an option electron-builder does not know.
    await expect(
      validateConfiguration(
        { ...loaded, nsis: { ...loaded.nsis, unknownOption: true } } as Configuration,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds exactly AppImage and deb for Linux x64, dmg for macOS arm64, NSIS for Windows x64', () => {
    expect(config.linux?.target as TargetList).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
    expect(config.mac?.target as TargetList).toEqual([{ target: 'dmg', arch: ['arm64'] }]);
    expect(config.win?.target as TargetList).toEqual([{ target: 'nsis', arch: ['x64'] }]);
  });

  it('packs the build and package.json, and no sources, tests or source maps', () => {
    const packed = matcher(config.files as string[]);
    for (const file of [
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
    ])
      expect(packed(file), file).toBe(true);
    for (const file of [
      'electron/main/index.ts',
      'electron/core/quire-core.ts',
      'renderer/src/App.tsx',
      'shared/contract.ts',
      'e2e/shell.spec.ts',
      'scripts/dist.ts',
      'build/electron-builder.config.ts',
      'out/main/index.js.map',
      'out/index-bench.mjs',
    ])
      expect(packed(file), file).toBe(false);
  });

  it("leaves out other platforms' native binaries that would only weigh the installer down", () => {
    // electron-builder adds the production node_modules itself; the exclusions in `files` still apply.
    const exclusions = (config.files as string[]).filter((pattern) => pattern.startsWith('!'));
    const packed = matcher(['node_modules/**', ...exclusions]);
    const ort = 'node_modules/onnxruntime-node/bin/napi-v6';
    expect(packed(`${ort}/linux/x64/onnxruntime_binding.node`)).toBe(true);
    expect(packed(`${ort}/linux/x64/libonnxruntime.so.1`)).toBe(true);
    expect(packed(`${ort}/linux/arm64/onnxruntime_binding.node`)).toBe(false);
    expect(packed(`${ort}/darwin/arm64/onnxruntime_binding.node`)).toBe(false);
    expect(packed(`${ort}/win32/x64/onnxruntime_binding.node`)).toBe(false);
    const llama = 'node_modules/@node-llama-cpp';
    expect(packed(`${llama}/linux-x64/bins/linux-x64/llama-addon.node`)).toBe(true);
    expect(packed(`${llama}/linux-x64-cuda/bins/linux-x64-cuda/llama-addon.node`)).toBe(true);
    expect(packed(`${llama}/linux-arm64/bins/linux-arm64/llama-addon.node`)).toBe(false);
    expect(packed(`${llama}/linux-armv7l/bins/linux-armv7l/llama-addon.node`)).toBe(false);
  });

  it('unpacks every shipped package that holds native code, whole, from app.asar', () => {
    const unpacked = matcher(config.asarUnpack as string[]);
    const natives = nativePackages(root);
    const names = natives.map((pkg) => pkg.name);
    // The discovery must see the native modules this machine has installed.
    for (const known of KNOWN_NATIVE_PACKAGES) expect(names).toContain(known);
    expect(names.some((name) => name.startsWith('@lancedb/lancedb-'))).toBe(true);
    expect(names.some((name) => name.startsWith('@node-llama-cpp/'))).toBe(true);

    const packedOutside: string[] = [];
    for (const pkg of natives)
      for (const file of packageFiles(pkg.dir)) {
        const relative = path.relative(root, file).split(path.sep).join('/');
        if (!unpacked(relative)) packedOutside.push(relative);
      }
    expect(packedOutside).toEqual([]);
  });

  it('leaves plain JavaScript packages inside app.asar', () => {
    const unpacked = matcher(config.asarUnpack as string[]);
    expect(unpacked('node_modules/react/index.js')).toBe(false);
    expect(unpacked('node_modules/zod/package.json')).toBe(false);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('ships resources/models as the bundled-models folder the model loader searches', () => {
    expect(config.extraResources).toEqual([
      { from: 'resources/models', to: 'models', filter: ['**/*'] },
    ]);
    expect(fs.existsSync(path.join(root, 'resources/models/README.md'))).toBe(true);
    // The packaged app's main process passes process.resourcesPath on to the core.
    const main = fs.readFileSync(path.join(root, 'electron/main/index.ts'), 'utf8');
    expect(main).toMatch(/resourcesDir:\s*process\.resourcesPath/);
  });

  it('points every platform at an icon that exists', () => {
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      expect(typeof icon).toBe('string');
      expect(fs.existsSync(path.join(root, icon as string)), icon as string).toBe(true);
    }
  });
});
