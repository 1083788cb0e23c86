import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distProblem, parseDistArgs, type DistSituation } from './dist';

const linuxHost: DistSituation = {
  host: { platform: 'linux', arch: 'x64' },
  requested: [],
  electron: { kind: 'downloadable' },
  electronVersion: '45.6.1',
  homepage: 'https://example.org/quire',
};

/** One sentence: one line, one full stop at the end, no stack frames. */
function expectOneSentence(text: string) {
  const trimmed = text.trim();
  expect(trimmed.split('\n')).toHaveLength(1);
  expect(trimmed).toMatch(/^[A-Z][^\n]*\.$/);
  expect(trimmed).not.toMatch(/\bat .+:\d+:\d+/);
}

describe('parseDistArgs', () => {
  it('takes the platform flags and --check, and passes everything else to electron-builder', () => {
    expect(parseDistArgs(['--linux', '--check', '--dir', '-c.compression=store'])).toEqual({
      platforms: ['linux'],
      checkOnly: true,
      passThrough: ['--dir', '-c.compression=store'],
    });
    expect(parseDistArgs(['--mac', '-w']).platforms).toEqual(['darwin', 'win32']);
  });
});

describe('distProblem', () => {
  it('has nothing to say when this platform can be built and Electron can be had', () => {
    expect(distProblem(linuxHost)).toBeNull();
    expect(distProblem({ ...linuxHost, electron: { kind: 'cached' } })).toBeNull();
    expect(distProblem({ ...linuxHost, electron: { kind: 'local', dist: '/x' } })).toBeNull();
  });

  it('says in one sentence that no Electron binary can be had, and how to get one', () => {
    const problem = distProblem({ ...linuxHost, electron: { kind: 'none' } })!;
    expectOneSentence(problem);
    expect(problem).toContain('Electron 45.6.1 binary for linux-x64');
    expect(problem).toContain('internet access');
    expect(problem).toContain('ELECTRON_MIRROR');
  });

  it('refuses another platform, whose native modules npm did not install here', () => {
    const problem = distProblem({ ...linuxHost, requested: ['darwin'] })!;
    expectOneSentence(problem);
    expect(problem).toContain('must be built on macOS arm64');
    expect(distProblem({ ...linuxHost, host: { platform: 'darwin', arch: 'x64' } })).toContain(
      'must be built on macOS arm64',
    );
  });

  it('asks for the homepage that electron-builder needs for a deb package', () => {
    const problem = distProblem({ ...linuxHost, homepage: undefined })!;
    expectOneSentence(problem);
    expect(problem).toContain('"homepage"');
  });
});

describe('npm run dist without an Electron binary', () => {
  let empty: string;
  beforeEach(() => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-dist-'));
  });
  afterEach(() => fs.rmSync(empty, { recursive: true, force: true }));

  async function closedPort(): Promise<number> {
    return new Promise((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
  }

  it('prints one sentence and exits 1 before building anything', async () => {
    const run = spawnSync(path.resolve('node_modules/.bin/tsx'), ['scripts/dist.ts'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        // No binary installed, nothing cached, and a mirror that refuses connections.
        ELECTRON_OVERRIDE_DIST_PATH: empty,
        ELECTRON_CACHE: empty,
        electron_config_cache: empty,
        XDG_CACHE_HOME: empty,
        LOCALAPPDATA: empty,
        HOME: empty,
        ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`,
      },
    });
    expect(run.status).toBe(1);
    expectOneSentence(run.stderr);
    expect(run.stderr).toMatch(/Electron|must be built on/);
    expect(run.stdout).toBe(''); // electron-vite never started
  });
});
