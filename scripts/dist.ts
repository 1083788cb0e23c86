// `npm run dist [-- --linux|--mac|--win] [--check]`: builds this platform's installers.
// Prerequisites are checked first, so a machine that cannot build hears why in one sentence,
// before any build starts; `--check` stops after that check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './build-app';
import { findElectronBinary } from './electron-binary';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = 'build/electron-builder.config.ts';
const DEFAULT_ELECTRON_MIRROR = 'https://github.com/electron/electron/releases/download/';

type Platform = 'linux' | 'darwin' | 'win32';
export type DistTarget = {
  platform: Platform;
  arch: 'x64' | 'arm64';
  flag: '--linux' | '--mac' | '--win';
  name: string;
  installers: string;
};

/** What build/electron-builder.config.ts builds for each platform. */
export const DIST_TARGETS: Record<Platform, DistTarget> = {
  linux: {
    platform: 'linux',
    arch: 'x64',
    flag: '--linux',
    name: 'Linux',
    installers: 'AppImage and deb',
  },
  darwin: { platform: 'darwin', arch: 'arm64', flag: '--mac', name: 'macOS', installers: 'dmg' },
  win32: { platform: 'win32', arch: 'x64', flag: '--win', name: 'Windows', installers: 'NSIS' },
};

const FLAGS: Record<string, Platform> = {
  '--linux': 'linux',
  '-l': 'linux',
  '--mac': 'darwin',
  '--macos': 'darwin',
  '-m': 'darwin',
  '--win': 'win32',
  '--windows': 'win32',
  '-w': 'win32',
};

export type DistArgs = { platforms: Platform[]; checkOnly: boolean; passThrough: string[] };

export function parseDistArgs(argv: readonly string[]): DistArgs {
  const platforms = new Set<Platform>();
  const passThrough: string[] = [];
  let checkOnly = false;
  for (const arg of argv) {
    const platform = FLAGS[arg];
    if (platform) platforms.add(platform);
    else if (arg === '--check') checkOnly = true;
    else passThrough.push(arg);
  }
  return { platforms: [...platforms], checkOnly, passThrough };
}

/** Where electron-builder would get the Electron binary from, or 'none'. */
export type ElectronSource =
  { kind: 'local'; dist: string } | { kind: 'cached' | 'downloadable' | 'none' };

export type DistSituation = {
  host: { platform: string; arch: string };
  requested: Platform[];
  electron: ElectronSource;
  electronVersion: string;
  homepage: string | undefined;
};

/** The one sentence that says why installers cannot be built here, or null when they can. */
export function distProblem(situation: DistSituation): string | null {
  const { host, requested } = situation;
  const hostTarget = DIST_TARGETS[host.platform as Platform];
  if (!hostTarget)
    return `Quire's installers are built on Linux, macOS or Windows, and this machine runs ${host.platform}.`;
  const wanted = requested.length > 0 ? requested : [hostTarget.platform];
  const foreign = wanted
    .map((p) => DIST_TARGETS[p])
    .find((t) => t.platform !== host.platform || t.arch !== host.arch);
  if (foreign)
    return (
      `The ${foreign.name} installers (${foreign.installers}, ${foreign.arch}) must be built on ${foreign.name} ${foreign.arch}, ` +
      `because npm installed native modules (LanceDB, llama.cpp, the keychain) for this ${host.platform} ${host.arch} machine only.`
    );
  if (situation.electron.kind === 'none')
    return (
      `Building installers needs the Electron ${situation.electronVersion} binary for ${hostTarget.platform}-${hostTarget.arch}, ` +
      `which is not on this machine and cannot be downloaded from here: run \`npm run dist\` on a machine with internet access, ` +
      `or set ELECTRON_MIRROR to a reachable Electron mirror, or install the binary with \`npx install-electron\`.`
    );
  if (hostTarget.platform === 'linux' && !situation.homepage)
    return 'The deb package needs a project homepage: add "homepage" to package.json, then run `npm run dist` again.';
  return null;
}

/** @electron/get's cache folders, where an earlier build or download may have left the zip. */
function electronCacheRoots(env: NodeJS.ProcessEnv): string[] {
  const home = os.homedir();
  const roots = [env.electron_config_cache, env.ELECTRON_CACHE];
  if (process.platform === 'darwin') roots.push(path.join(home, 'Library/Caches/electron'));
  else if (process.platform === 'win32')
    roots.push(path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData/Local'), 'electron/Cache'));
  else roots.push(path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'electron'));
  return roots.filter((r): r is string => Boolean(r));
}

function hasCachedZip(dir: string, zip: string, depth = 2): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) =>
    e.isDirectory()
      ? depth > 0 && hasCachedZip(path.join(dir, e.name), zip, depth - 1)
      : e.name === zip,
  );
}

/** Any HTTP answer from the mirror means a download can at least start. */
async function mirrorReachable(mirror: string): Promise<boolean> {
  try {
    await fetch(mirror, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

export async function findElectronSource(
  target: DistTarget,
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ElectronSource> {
  const electronPackageDir = path.join(root, 'node_modules/electron');
  if (process.platform === target.platform && process.arch === target.arch) {
    const binary = findElectronBinary(electronPackageDir, env);
    if (binary)
      return {
        kind: 'local',
        dist: env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(electronPackageDir, 'dist'),
      };
  }
  const zip = `electron-v${version}-${target.platform}-${target.arch}.zip`;
  if (electronCacheRoots(env).some((dir) => hasCachedZip(dir, zip))) return { kind: 'cached' };
  return (await mirrorReachable(env.ELECTRON_MIRROR ?? DEFAULT_ELECTRON_MIRROR))
    ? { kind: 'downloadable' }
    : { kind: 'none' };
}

const NETWORK_FAILURE =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|socket hang up|Failed to download|unable to download|HTTPError|Response code [45]\d\d/i;

/**
 * Runs electron-builder. Its progress lines go through as they come; from its first error line
 * ("⨯", which carries a stack trace) on, output is held back until we know what failed.
 */
function runElectronBuilder(
  args: string[],
): Promise<{ code: number; heldBack: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/electron-builder/cli.js'), ...args],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    let heldBack = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (heldBack || /^\s*⨯/.test(line)) heldBack += `${line}\n`;
        else process.stdout.write(`${line}\n`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? 1, heldBack: heldBack + pending, stderr }));
  });
}

async function main(): Promise<number> {
  const args = parseDistArgs(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    homepage?: string;
  };
  const electronVersion = (
    JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const host = { platform: process.platform, arch: process.arch };
  const hostTarget = DIST_TARGETS[host.platform as Platform];
  const electron: ElectronSource = hostTarget
    ? await findElectronSource(hostTarget, electronVersion)
    : { kind: 'none' };
  const problem = distProblem({
    host,
    requested: args.platforms,
    electron,
    electronVersion,
    homepage: manifest.homepage,
  });
  if (problem || !hostTarget) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  if (args.checkOnly) {
    process.stdout.write(
      `Ready to build the ${hostTarget.name} installers (${hostTarget.installers}, ${hostTarget.arch}).\n`,
    );
    return 0;
  }
  if (!buildApp(root)) return 1;
  const result = await runElectronBuilder([
    '--config',
    CONFIG,
    hostTarget.flag,
    '--publish',
    'never',
    ...(electron.kind === 'local' ? [`-c.electronDist=${electron.dist}`] : []),
    ...args.passThrough,
  ]);
  if (result.code === 0) {
    process.stdout.write(result.heldBack);
    process.stderr.write(result.stderr);
    process.stdout.write(`Done: the ${hostTarget.name} build is in dist/.\n`);
    return 0;
  }
  if (NETWORK_FAILURE.test(result.heldBack + result.stderr)) {
    process.stderr.write(
      'electron-builder could not download what it needs (the Electron binary or its packaging tools): ' +
        'run `npm run dist` on a machine with internet access, or set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR to reachable mirrors.\n',
    );
  } else process.stderr.write(result.heldBack + result.stderr);
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `npm run dist failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
