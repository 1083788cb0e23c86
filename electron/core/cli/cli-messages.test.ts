// What the command line prints must be true and speak of flags, not of the window.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { PDF_DIR } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { askCommand } from './ask-command';
import { indexCommand } from './index-command';
import { libraryCommand } from './library-command';
import { searchCommand } from './search-command';

let dir = '';
let remove: () => Promise<void> = async () => {};
let docs = '';
beforeAll(async () => {
  ({ dir, remove } = await makeTempDir('quire-cli-'));
  docs = path.join(dir, 'docs');
  fs.mkdirSync(docs);
  for (const name of ['encrypted_userpw_openpassword.pdf', 'pdfa_crazyones.pdf'])
    fs.copyFileSync(path.join(PDF_DIR, name), path.join(docs, name));
  fs.writeFileSync(path.join(docs, 'rivers.md'), '# Rivers\n\nThe river carries melt water.\n');
});
afterAll(() => remove());

/** Runs a command in this process, capturing what it prints. */
async function run(command: (argv: string[]) => Promise<number>, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await command(argv);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const data = () => path.join(dir, 'data');

it('a locked PDF says which flag to use, and --password takes the file name alone', async () => {
  const first = await run(indexCommand, docs, '--data', data());
  expect(first.code).toBe(3);
  expect(first.stdout).toContain(
    'Run again with --password "encrypted_userpw_openpassword.pdf=PASSWORD"',
  );
  expect(first.stdout).not.toContain('Enter the password');
  // Singular where there is one.
  expect(first.stdout).toMatch(/pdfa_crazyones\.pdf: 1 chunk in/);

  const unknown = await run(indexCommand, docs, '--data', data(), '--password', 'nope.pdf=x');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('"nope.pdf"');

  const second = await run(
    indexCommand,
    path.join(docs, 'encrypted_userpw_openpassword.pdf'),
    '--data',
    data(),
    '--password',
    'encrypted_userpw_openpassword.pdf=openpassword',
  );
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/1 ready, 0 failed/);
});

it('library prints each document with its id and path, in the singular where it should', async () => {
  const listed = await run(libraryCommand, '--data', data());
  expect(listed.code).toBe(0);
  const json = await run(libraryCommand, '--data', data(), '--json');
  const rows = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; path: string; name: string; pages: number });
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    expect(listed.stdout).toContain(row.id);
    expect(listed.stdout).toContain(row.path);
  }
  expect(listed.stdout).toContain('1 chunk, 1 page');
  expect(listed.stdout).not.toMatch(/\b1 chunks\b|\b1 pages\b/);
});

it('search in vector mode without a model reports the full-text search it did, once', async () => {
  const result = await run(searchCommand, 'river melt', '--mode', 'vector', '--data', data());
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('vector search needs an embedding model');
  expect(result.stdout).toMatch(/results \(text\)/);
  expect(result.stdout).not.toMatch(/results \(vector\)/);
});

it('ask --provider embedded without --model names the missing flag, not the current folder', async () => {
  const result = await run(askCommand, 'What?', '--provider', 'embedded', '--data', data());
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--model');
  expect(result.stderr).not.toContain(process.cwd());
});

it('ask prints the passages it used and how the answer ended', async () => {
  const result = await run(askCommand, 'Where does the river carry melt water?', '--data', data());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Passages:');
  expect(result.stdout).toMatch(/\[1\] rivers\.md/);
  expect(result.stdout).toMatch(/\(complete; conversation c\w+\)/);
});
