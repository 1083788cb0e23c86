// Beside a running Quire, the command line refuses to write and says what still works; reading works.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/temp-dir';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = path.join(ROOT, 'electron/core/cli/main.ts');
const HOLDER = path.join(ROOT, 'test/helpers/lock-holder.ts');

let dir = '';
let remove: () => Promise<void> = async () => {};
let holder: ChildProcess | null = null;
let holderPid = 0;
beforeAll(async () => {
  ({ dir, remove } = await makeTempDir('quire-cli-lock-'));
  fs.writeFileSync(path.join(dir, 'rivers.md'), '# Rivers\n\nThe river carries melt water.\n');
  fs.mkdirSync(path.join(dir, 'data'));
  holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, path.join(dir, 'data')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    readline.createInterface({ input: holder!.stdout! }).once('line', resolve),
  );
  holderPid = Number(line.split(' ')[1]);
});
afterAll(async () => {
  holder?.kill('SIGKILL');
  await remove();
});

function quire(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

it('quire index beside a running Quire is refused, naming it and what works beside it', async () => {
  const data = path.join(dir, 'data');
  const index = await quire('index', path.join(dir, 'rivers.md'), '--data', data);
  expect(index.code).toBe(1);
  expect(index.stderr).toContain(`quire index: Another Quire (process ${holderPid}, `);
  expect(index.stderr).toMatch(/started (at|on) /);
  expect(index.stderr).toContain('These work beside it: quire library, search, check, export');

  // A reader named there does work beside it.
  const library = await quire('library', '--data', data, '--json');
  expect(library.stderr).toBe('');
  expect(library.code).toBe(0);
});
