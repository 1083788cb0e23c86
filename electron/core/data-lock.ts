// One writer per data folder: a second Quire writing the same journals would lose records.
import fs from 'node:fs';
import path from 'node:path';
import { QuireError } from '../../shared/errors';

const LOCK_FILE = '.quire-writer.lock';

export type DataLock = { release: () => void };

/**
 * Takes the data folder for this process. A lock left by a process that is gone is taken over;
 * one held by a live process is a clear error. The same process may open a folder again
 * (tests open cores one after another, and a second core in one process shares its memory).
 */
export function lockDataDir(dataDir: string): DataLock {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, at: Date.now() }), { flag: 'wx' });
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A full or read-only disk must not keep Quire from starting to show what it has.
      if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS') return { release: () => {} };
      if (code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder === process.pid) return { release: () => {} };
      if (holder !== null && isAlive(holder))
        throw new QuireError(
          'data_in_use',
          `Another Quire (process ${holder}) is using the data folder ${dataDir}. Close it first, ` +
            'or use another folder with --data. Reading commands (mcp, export) work beside it.',
        );
      fs.rmSync(file, { force: true });
    }
  }
  throw new QuireError('data_in_use', `Could not take the data folder ${dataDir}; try again.`);
}

function readHolder(file: string): number | null {
  try {
    const pid = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(file: string): void {
  if (readHolder(file) === process.pid) fs.rmSync(file, { force: true });
}
