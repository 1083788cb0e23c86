// How a command line finds the Quire that serves a data folder: that Quire (the app, or
// `quire serve`) writes its loopback URL and token into the folder, for its owner's eyes only.
// The token is the key to the whole API, so the file is created 0600 (never briefly readable by
// others) and a reader trusts only a file its own user owns that names a loopback address.
import fs from 'node:fs';
import path from 'node:path';
import type { StreamHub } from '../streams/stream-hub';
import type { Dispatch } from '../rpc/dispatch';
import { startHttpServer } from './http-server';

export const SERVER_FILE = '.quire-server.json';

export type ServerFile = {
  /** The API's base, http://127.0.0.1:<port>. */
  url: string;
  token: string;
  pid: number;
  startedAt: number;
  /** Where people reach a team server (`quire serve --host`), for the links `quire users add` prints. */
  publicUrl?: string;
};

export type PublishedServer = {
  /** Removes the file if it is still this server's (idempotent). */
  remove: () => void;
};

/**
 * Writes `<dataDir>/.quire-server.json` for the server that now serves `dataDir`. Only the
 * folder's writer calls this. On Windows the mode is ignored and the file inherits the ACL of
 * the user's profile folder, where the data folder lives. Removed on a clean exit; after a crash
 * it stays, and a reader finds nobody answering at that address.
 */
export function publishServer(
  dataDir: string,
  server: { url: string; token: string; publicUrl?: string },
): PublishedServer {
  const file = path.join(dataDir, SERVER_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const content: ServerFile = {
    url: server.url,
    token: server.token,
    pid: process.pid,
    startedAt: Date.now(),
    ...(server.publicUrl && server.publicUrl !== server.url ? { publicUrl: server.publicUrl } : {}),
  };
  fs.rmSync(temp, { force: true });
  // 'wx': a file planted at the temp name is never written through.
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(content, null, 2)}\n`);
    // The umask can only take bits away; this makes sure of it where modes exist.
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    try {
      if (readServerFile(dataDir)?.token === server.token) fs.rmSync(file, { force: true });
    } catch {
      // A read-only folder: the next server overwrites it, and readers find nobody at the URL.
    }
  };
  // An exit that skips the caller's clean-up (process.exit after an error) still removes it.
  process.on('exit', remove);
  return { remove };
}

/**
 * The desktop app's loopback API, there only so that commands run beside the app (quire ask,
 * index, collections …) become its clients: 127.0.0.1, a port and a token fresh each start, no
 * page and no uploads, the Host, Origin and token guards of every Quire server.
 */
export async function startCommandLineApi(options: {
  dispatch: Dispatch;
  hub: StreamHub;
  dataDir: string;
}): Promise<{ close: () => Promise<void> }> {
  const server = await startHttpServer({
    dispatch: options.dispatch,
    hub: options.hub,
    host: '127.0.0.1',
    port: 0,
    rendererDir: null,
    uploadsDir: null,
  });
  let published: PublishedServer;
  try {
    published = publishServer(options.dataDir, server);
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    close: async () => {
      published.remove();
      await server.close();
    },
  };
}

/**
 * The server file's fields, only from a regular file this user wrote: another user who can
 * write into this folder must not be able to redirect our questions or a new person's token.
 */
function readOwnServerFile(dataDir: string): Partial<ServerFile> | null {
  const file = path.join(dataDir, SERVER_FILE);
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) return null;
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return null;
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as Partial<ServerFile>) : null;
  } catch {
    return null;
  }
}

/** The server file of `dataDir`, if there is one this user wrote, naming a loopback address. */
export function readServerFile(dataDir: string): ServerFile | null {
  const value = readOwnServerFile(dataDir);
  if (!value) return null;
  if (typeof value.url !== 'string' || typeof value.token !== 'string' || !value.token) return null;
  if (!isLoopbackUrl(value.url)) return null;
  return {
    url: value.url.replace(/\/+$/, ''),
    token: value.token,
    pid: Number(value.pid) || 0,
    startedAt: Number(value.startedAt) || 0,
  };
}

/** The token is only ever sent to this machine, over plain http on a loopback address. */
function isLoopbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      url.protocol === 'http:' &&
      ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) &&
      url.port !== '' &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * The base people open, from the running server's file: only one this user wrote (a planted
 * file must not send a new person's token elsewhere). Null when no server has written one.
 */
export function readPublicUrl(dataDir: string): string | null {
  const value = readOwnServerFile(dataDir);
  if (!value) return null;
  if (value.pid && !isAlive(Number(value.pid))) return null;
  const url = value.publicUrl ?? value.url;
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url.replace(/\/+$/, '') : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
