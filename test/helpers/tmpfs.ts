import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Small tmpfs mounts, for tests that need a disk that really fills up. Mounting needs root
 * on Linux; `tmpfsUnavailable` says why it cannot be done here, or null when it can.
 */
export const tmpfsUnavailable: string | null = probe();

function probe(): string | null {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-tmpfs-probe-'));
  try {
    mountTmpfs(dir, 1);
    unmountTmpfs(dir);
    return null;
  } catch (error) {
    return `mount -t tmpfs is not permitted here: ${String(error)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function mountTmpfs(dir: string, sizeMb: number): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], {
    stdio: 'pipe',
  });
}

export function resizeTmpfs(dir: string, sizeMb: number): void {
  execFileSync('mount', ['-o', `remount,size=${sizeMb}m`, dir], { stdio: 'pipe' });
}

/** Lazy unmount: a file handle a failed test left open does not keep the mount alive. */
export function unmountTmpfs(dir: string): void {
  execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
}

export function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Writes `file` until the disk refuses (ENOSPC), or until only `leaveBytes` are free.
 * Returns the bytes written.
 */
export function fillDisk(file: string, leaveBytes = 0): number {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  let written = 0;
  try {
    for (;;) {
      const room = freeBytes(path.dirname(file)) - leaveBytes;
      if (room <= 0) break;
      written += fs.writeSync(fd, block, 0, Math.min(block.length, room));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
