// The writer lock against real processes: crashed, zombie, a reused process id, a live holder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LOCK_INFO_FILE, lockDataDir, lockPlaces, readHolder } from './data-lock';
import { makeTempDir, waitFor } from '../../test/helpers/temp-dir';
import { mountTmpfs, tmpfsUnavailable, unmountTmpfs } from '../../test/helpers/tmpfs';

const HOLDER = fileURLToPath(new URL('../../test/helpers/lock-holder.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir = '';
let remove: () => Promise<void> = async () => {};
const children: ChildProcess[] = [];
const holders: number[] = [];
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-lock-')));
afterEach(async () => {
  // A holder under `sh` is a grandchild: killing the shell's `sleep` would leave it running.
  for (const pid of holders.splice(0)) if (pidIsLive(pid)) process.kill(pid, 'SIGKILL');
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await remove();
});

/**
 * Starts a process that takes `dataDir`'s lock with the real code. With `unreaped`, it runs under
 * a shell that then execs `sleep`, a parent that never waits for it: killed, it stays a zombie.
 */
async function startHolder(dataDir: string, options: { unreaped?: boolean } = {}) {
  const node = [process.execPath, '--import', 'tsx', HOLDER, dataDir];
  const child = options.unreaped
    ? spawn('sh', ['-c', `${node.map(quote).join(' ')} & exec sleep 120`], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(node[0]!, node.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error('the lock holder exited before taking the lock')));
  });
  const pid = Number(/^locked (\d+)$/.exec(line)?.[1]);
  expect(pid, line).toBeGreaterThan(0);
  holders.push(pid);
  return { child, pid };
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

function procState(pid: number): string | null {
  try {
    // "pid (comm) S ...": the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** Whether some process still listens on `socket` (Linux: /proc/net/unix lists bound sockets). */
function listening(socket: string): boolean {
  return fs
    .readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .some((line) => line.endsWith(` ${socket}`));
}

function pidIsLive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('a holder killed with SIGKILL leaves a socket file that is cleared and taken at once', async () => {
  const { child, pid } = await startHolder(dir);
  const socket = lockPlaces(fs.realpathSync(dir))[0]!;
  expect(socket.startsWith(fs.realpathSync(dir))).toBe(true);
  await expect(lockDataDir(dir)).rejects.toThrow(`process ${pid}`);

  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  // What a crash leaves: the socket file and the holder's note, both naming the dead process.
  expect(fs.existsSync(socket)).toBe(true);
  expect(readHolder(path.join(dir, LOCK_INFO_FILE))?.pid).toBe(pid);

  const lock = await lockDataDir(dir);
  expect(readHolder(path.join(dir, LOCK_INFO_FILE))).toMatchObject({ pid: process.pid });
  lock.release();
  expect(fs.existsSync(socket)).toBe(false);
  expect(fs.existsSync(path.join(dir, LOCK_INFO_FILE))).toBe(false);
});

it.runIf(process.platform === 'linux')(
  'a killed holder that its parent has not reaped (a zombie) does not hold the lock',
  async () => {
    const { pid } = await startHolder(dir, { unreaped: true });
    const socket = lockPlaces(fs.realpathSync(dir))[0]!;
    expect(listening(socket)).toBe(true);
    process.kill(pid, 'SIGKILL');
    // Z can show while the holder's other threads are still exiting; its sockets close with the
    // last of them, a moment later.
    await waitFor(() => procState(pid) === 'Z' && !listening(socket));
    // The process id still answers kill(pid, 0): the old pid check refused here.
    expect(pidIsLive(pid)).toBe(true);

    const lock = await lockDataDir(dir);
    expect(procState(pid)).toBe('Z');
    expect(readHolder(path.join(dir, LOCK_INFO_FILE))?.pid).toBe(process.pid);
    lock.release();
  },
);

it('a lock file naming a live process that is not a Quire holding the folder does not lock it', async () => {
  // After a reboot, the dead Quire's id may belong to a daemon: pid 1, or this runner's parent.
  for (const pid of [1, process.ppid]) {
    expect(pidIsLive(pid) || pid === 1).toBe(true);
    fs.writeFileSync(
      path.join(dir, LOCK_INFO_FILE),
      JSON.stringify({ pid, startedAt: Date.now() - 60_000, command: 'quire index docs' }),
    );
    // The format before the socket lock, too.
    const old = path.join(dir, 'old');
    fs.mkdirSync(old, { recursive: true });
    fs.writeFileSync(path.join(old, LOCK_INFO_FILE), JSON.stringify({ pid, at: Date.now() }));
    for (const folder of [dir, old]) {
      const lock = await lockDataDir(folder);
      expect(readHolder(path.join(folder, LOCK_INFO_FILE))?.pid).toBe(process.pid);
      lock.release();
    }
  }
});

it('a live holder is refused with its process id, command and start time, until it lets go', async () => {
  const { child, pid } = await startHolder(dir);
  const error = await lockDataDir(dir).then(
    () => null,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(error?.code).toBe('data_in_use');
  expect(error?.message).toMatch(
    new RegExp(
      `^Another Quire \\(process ${pid}, ".*lock-holder\\.ts .*", started (at \\d\\d:\\d\\d:\\d\\d today|on \\d{4}-\\d\\d-\\d\\d at \\d\\d:\\d\\d:\\d\\d)\\) is using the data folder `,
    ),
  );
  // Still refused on a second try: refusing takes nothing away from the holder.
  await expect(lockDataDir(dir)).rejects.toThrow(`process ${pid}`);

  // A clean exit lets go of the socket at once.
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const lock = await lockDataDir(dir);
  lock.release();
});

it('a data folder whose path is too long for a socket locks in the temp folder, by its real path', async () => {
  let deep = dir;
  while (Buffer.byteLength(path.join(deep, '.quire-writer.sock')) <= 110)
    deep = path.join(deep, 'a-rather-long-folder-name');
  fs.mkdirSync(deep, { recursive: true });
  const places = lockPlaces(fs.realpathSync(deep));
  expect(places).toHaveLength(1);
  expect(path.dirname(places[0]!)).toBe(os.tmpdir());
  expect(path.basename(places[0]!)).toMatch(/^quire-writer-[0-9a-f]{32}\.sock$/);

  const { child, pid } = await startHolder(deep);
  // The same folder by a short name (a symlink) is the same lock.
  const alias = path.join(dir, 'alias');
  fs.symlinkSync(deep, alias);
  await expect(lockDataDir(alias)).rejects.toThrow(`process ${pid}`);

  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(fs.existsSync(places[0]!)).toBe(true);
  const lock = await lockDataDir(deep);
  lock.release();
  expect(fs.existsSync(places[0]!)).toBe(false);
});

it.skipIf(tmpfsUnavailable)(
  'a folder that cannot hold a socket (read-only) locks in the temp folder, and still sees a holder in the folder',
  async () => {
    const mount = path.join(dir, 'mount');
    mountTmpfs(mount, 1);
    try {
      const [inFolder, inTemp] = lockPlaces(fs.realpathSync(mount));
      const { child, pid } = await startHolder(mount);
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      // Refused although this process can only listen in the temp folder.
      await expect(lockDataDir(mount)).rejects.toThrow(`process ${pid}`);
      expect(fs.existsSync(inTemp!)).toBe(false);

      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const lock = await lockDataDir(mount);
      // The dead holder's socket stays (nothing can be removed there); the lock is in the temp folder.
      expect(fs.existsSync(inFolder!)).toBe(true);
      expect(fs.existsSync(inTemp!)).toBe(true);
      lock.release();
      expect(fs.existsSync(inTemp!)).toBe(false);
    } finally {
      unmountTmpfs(mount);
    }
  },
);

it('one process may open its folder twice; the lock goes with the last release', async () => {
  const [first, second] = await Promise.all([lockDataDir(dir), lockDataDir(dir)]);
  const socket = lockPlaces(fs.realpathSync(dir))[0]!;
  first!.release();
  first!.release();
  expect(fs.existsSync(socket)).toBe(true);
  second!.release();
  expect(fs.existsSync(socket)).toBe(false);
});
