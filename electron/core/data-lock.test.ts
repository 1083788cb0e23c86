import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lockDataDir } from './data-lock';
import { makeTempDir } from '../../test/helpers/temp-dir';

let dir = '';
let remove: () => Promise<void> = async () => {};
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-lock-')));
afterEach(() => remove());

it('a second process cannot write a data folder another live Quire holds', async () => {
  // A live process that holds the lock: a child that writes it, then waits.
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(path.join(dir, '.quire-writer.lock'))}, JSON.stringify({ pid: process.pid })); setInterval(() => {}, 1000);`,
    ],
    { stdio: 'ignore' },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(() => lockDataDir(dir)).toThrow(
      /Another Quire \(process \d+\) is using the data folder/,
    );
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  // Its process is gone: the lock is stale and taken over.
  const lock = lockDataDir(dir);
  expect(JSON.parse(fs.readFileSync(path.join(dir, '.quire-writer.lock'), 'utf8'))).toMatchObject({
    pid: process.pid,
  });
  lock.release();
  expect(fs.existsSync(path.join(dir, '.quire-writer.lock'))).toBe(false);
});
