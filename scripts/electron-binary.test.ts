import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-electron-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findElectronBinary', () => {
  it('finds nothing when the install step never wrote path.txt', () => {
    expect(findElectronBinary(dir, {})).toBeNull();
  });

  it('finds nothing when path.txt names a binary that is not there', () => {
    fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary(dir, {})).toBeNull();
  });

  it('finds the binary that path.txt names under dist/', () => {
    fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist/electron'), '');
    expect(findElectronBinary(dir, {})).toBe(path.join(dir, 'dist/electron'));
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH, as the electron package does', () => {
    const override = path.join(dir, 'custom');
    fs.mkdirSync(override);
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBeNull();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(
      path.join(override, 'electron'),
    );
  });
});

describe('npm start without the Electron binary', () => {
  it('says what is missing, how to get it and that npm run serve works, then exits 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      encoding: 'utf8',
      // An empty override folder stands for a machine where the binary was never downloaded.
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs the Electron binary, and it is not installed');
    expect(run.stderr).toContain('node node_modules/electron/install.js');
    expect(run.stderr).toContain('npx install-electron');
    expect(run.stderr).toContain('`npm run serve` runs Quire in your browser');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  });
});
