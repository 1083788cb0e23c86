// One writer per data folder: a second Quire writing the same journals would lose records.
//
// The lock is a listening socket (a Unix domain socket, a named pipe on Windows): whoever listens
// holds it, and the OS closes it when its process dies, however it dies (SIGKILL, a crash, a power
// cut), zombie or not. A process id alone cannot tell a dead Quire from a zombie, or from another
// program that got the same id after a reboot; that locked users out of their own library.
// The `.quire-writer.lock` file only says who holds the lock, for messages; nothing decides on it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { QuireError } from '../../shared/errors';

/** Who holds the lock, for people: never read to decide. */
export const LOCK_INFO_FILE = '.quire-writer.lock';
const SOCKET_FILE = '.quire-writer.sock';
/** sun_path holds 104 bytes on macOS and the BSDs (108 on Linux), NUL included: the smaller rules. */
const MAX_SOCKET_PATH = 103;
/** A holder too busy to accept a connection within this is counted as alive. */
const PROBE_TIMEOUT_MS = 2000;

export type DataLock = { release: () => void };

export type LockHolder = {
  pid: number;
  /** When the holding process started, epoch ms. */
  startedAt: number;
  lockedAt: number;
  /** "quire index docs", "the Quire app". */
  command: string;
  /** Where its socket (or pipe) listens. */
  socket: string;
};

type Held = { server: net.Server | null; info: string; refs: number; onExit: () => void };

// Per data folder (real path). The same process may open a folder again: tests open cores one
// after another, and a second core in one process shares its memory.
const held = new Map<string, Promise<Held>>();

/**
 * Takes the data folder for this process, or throws `data_in_use` naming the live holder. A lock
 * left by a dead process (a socket nobody listens on) is removed and taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataLock> {
  const real = fs.realpathSync.native(dataDir);
  let pending = held.get(real);
  if (!pending) {
    pending = acquire(real);
    held.set(real, pending);
    pending.catch(() => held.delete(real));
  }
  const lock = await pending;
  lock.refs++;
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      if (--lock.refs > 0) return;
      held.delete(real);
      drop(lock);
    },
  };
}

/**
 * Where the lock may listen, in order. On Windows, a named pipe named by a hash of the folder.
 * Elsewhere, a socket in the data folder itself; when that path is too long for a socket, or the
 * folder cannot hold one (read-only, full, a file system without sockets), a socket in the temp
 * folder named by a hash of the folder's real path. Every Quire computes the same list.
 */
export function lockPlaces(realDataDir: string): string[] {
  const key = process.platform === 'win32' ? realDataDir.toLowerCase() : realDataDir;
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
  if (process.platform === 'win32') return [`\\\\.\\pipe\\quire-writer-${hash}`];
  const inFolder = path.join(realDataDir, SOCKET_FILE);
  const name = `quire-writer-${hash}.sock`;
  let inTemp = path.join(os.tmpdir(), name);
  if (Buffer.byteLength(inTemp) > MAX_SOCKET_PATH) inTemp = path.join('/tmp', name);
  return Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH ? [inFolder, inTemp] : [inTemp];
}

async function acquire(real: string): Promise<Held> {
  const places = lockPlaces(real);
  let server: net.Server | null = null;
  let place = '';
  for (const where of places) {
    const taken = await take(where);
    if (taken === 'held') throw inUse(real);
    if (taken === 'busy')
      throw new QuireError('data_in_use', `Could not take the data folder ${real}; try again.`);
    if (taken !== 'unusable') {
      [server, place] = [taken, where];
      break;
    }
  }
  // A Quire that had to fall back to the other place (its disk was full, say) still holds it.
  for (const other of places)
    if (other !== place && (await probe(other)) === 'alive') {
      server?.close();
      throw inUse(real);
    }
  const info = path.join(real, LOCK_INFO_FILE);
  // Nowhere to listen at all (no temp folder either): as before, a read-only or full disk must
  // not keep Quire from starting to show what it has.
  if (!server) return { server: null, info, refs: 0, onExit: () => {} };
  writeHolder(info, {
    pid: process.pid,
    startedAt: Math.round(Date.now() - process.uptime() * 1000),
    lockedAt: Date.now(),
    command: describeSelf(),
    socket: place,
  });
  // A normal exit without release() leaves no socket file behind (a crash does; see take()).
  const onExit = () => {
    removeHolder(info);
    if (process.platform !== 'win32') fs.rmSync(place, { force: true });
  };
  process.on('exit', onExit);
  return { server, info, refs: 0, onExit };
}

function drop(lock: Held): void {
  process.off('exit', lock.onExit);
  removeHolder(lock.info);
  // libuv unlinks a Unix socket's file when its server closes, before the descriptor.
  lock.server?.close();
}

/** Listens at `where`, clearing a dead holder's socket file on the way. */
async function take(where: string): Promise<net.Server | 'held' | 'busy' | 'unusable'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const listened = await listen(where);
    if (listened instanceof net.Server) return listened;
    // bind() never replaces a file: anything else (EROFS, ENOSPC, EPERM on a file system
    // without sockets, a path too long) means this place cannot hold the lock.
    if (listened !== 'EADDRINUSE') return 'unusable';
    const state = await probe(where);
    if (state === 'alive') return 'held';
    if (state === 'stale' && !(await removeStale(where))) return 'unusable';
    // 'gone': its holder has just closed it; listen again.
  }
  return 'busy';
}

function listen(where: string): Promise<net.Server | string> {
  return new Promise((resolve) => {
    // Connections are only a way to ask "is anyone there?": nothing is said on them.
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'EIO'));
    server.listen({ path: where, exclusive: true }, () => {
      server.removeAllListeners('error');
      server.on('error', () => {});
      // The lock never keeps a process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

/** alive: someone listens. stale: a file nobody listens on (its process died). gone: no file. */
function probe(where: string): Promise<'alive' | 'stale' | 'gone'> {
  return new Promise((resolve) => {
    const socket = net.connect(where);
    const done = (state: 'alive' | 'stale' | 'gone') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => done('alive'), PROBE_TIMEOUT_MS);
    socket.once('connect', () => done('alive'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      // EACCES and the like: someone else's socket that cannot be judged, so it is honoured.
      done(error.code === 'ECONNREFUSED' ? 'stale' : error.code === 'ENOENT' ? 'gone' : 'alive'),
    );
  });
}

/**
 * Removes a dead holder's socket file. Another Quire may have removed it and started listening
 * there since our probe, so the file is first moved aside (atomic), probed again, and put back
 * if it turns out alive. False if it cannot be moved (another user's file in /tmp).
 */
async function removeStale(where: string): Promise<boolean> {
  // No longer than the socket's own name, so the aside path fits in sun_path too.
  const aside = path.join(path.dirname(where), `.qw-${crypto.randomBytes(4).toString('hex')}.sock`);
  try {
    fs.renameSync(where, aside);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if ((await probe(aside)) === 'alive') {
    try {
      fs.linkSync(aside, where);
    } catch {
      // Someone listens at `where` again already; nothing better can be done here.
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}

function inUse(real: string): QuireError {
  const holder = readHolder(path.join(real, LOCK_INFO_FILE));
  // The file is written just after the socket listens: a holder that has only just started may
  // not have written it yet, and an old file may name a process that is gone.
  const who =
    holder && holder.pid !== process.pid && exists(holder.pid)
      ? `Another Quire (process ${holder.pid}, "${holder.command}", started ${when(holder.startedAt)})`
      : 'Another Quire';
  return new QuireError(
    'data_in_use',
    `${who} is using the data folder ${real}. Wait for it to finish or close it, then try again.`,
  );
}

export function readHolder(file: string): LockHolder | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || (value.pid ?? 0) <= 0) return null;
    return {
      pid: value.pid!,
      startedAt: Number(value.startedAt) || 0,
      lockedAt: Number(value.lockedAt) || 0,
      command: typeof value.command === 'string' ? value.command : 'Quire',
      socket: typeof value.socket === 'string' ? value.socket : '',
    };
  } catch {
    return null;
  }
}

function writeHolder(file: string, holder: LockHolder): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify(holder, null, 2)}\n`);
    fs.renameSync(temp, file);
  } catch {
    // Only a message depends on it (a full or read-only disk).
    fs.rmSync(temp, { force: true });
  }
}

function removeHolder(file: string): void {
  try {
    if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // Read-only: the next holder overwrites it.
  }
}

/** For messages only. EPERM: the process exists but belongs to someone else. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeSelf(): string {
  if (process.versions.electron) return 'the Quire app';
  const [, script = '', ...args] = process.argv;
  const name = /[\\/]cli[\\/]main\.[cm]?[jt]s$/.test(script) ? 'quire' : path.basename(script);
  const command = [name, ...args].join(' ');
  return command.length > 120 ? `${command.slice(0, 119)}…` : command;
}

/** "at 14:03:07 today", "on 2025-05-01 at 14:03:07": local time, as the user's clock shows it. */
function when(epochMs: number): string {
  if (!epochMs) return 'at an unknown time';
  const date = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return date.toDateString() === new Date().toDateString()
    ? `at ${time} today`
    : `on ${day} at ${time}`;
}
