import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { BOW_MODEL } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { collectionsCommand } from './collections-command';
import { indexCommand } from './index-command';
import { searchCommand } from './search-command';

let dir: string;
let remove: () => Promise<void>;
let modelsDir: string;
let docs: string;

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir('quire-cli-collections-'));
  ({ modelsDir } = await testModels());
  docs = path.join(dir, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'tea.md'), 'Green tea grows on terraced hills.\n');
  fs.writeFileSync(path.join(docs, 'coffee.md'), 'Coffee grows on volcanic hills.\n');
});
afterAll(() => remove?.());

async function run(command: (argv: string[]) => Promise<number>, ...args: string[]) {
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
    const flags = [
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      modelsDir,
      '--embedding-model',
      BOW_MODEL,
    ];
    const code = await command([...args, ...flags]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

it('creates collections, indexes into one, adds by path, and searches one at a time', async () => {
  expect((await run(collectionsCommand, 'create', 'Drinks')).code).toBe(0);
  expect((await run(collectionsCommand, 'create', 'Plants')).code).toBe(0);
  const clash = await run(collectionsCommand, 'create', 'drinks');
  expect(clash.code).toBe(1);
  expect(clash.stderr).toContain('already exists');

  const unknown = await run(indexCommand, path.join(docs, 'tea.md'), '--collection', 'Snacks');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain(
    'There is no collection "Snacks". Collections: "Drinks", "Plants".',
  );

  expect((await run(indexCommand, docs, '--collection', 'drinks')).code).toBe(0);
  const added = await run(collectionsCommand, 'add', 'Plants', path.join(docs, 'tea.md'));
  expect(added.code).toBe(0);
  expect(added.stdout).toContain('1 document added to Plants');

  const listed = await run(collectionsCommand, 'list', '--json');
  expect(jsonLines(listed.stdout).map((l) => l.collection)).toMatchObject([
    { name: 'Drinks', documentCount: 2 },
    { name: 'Plants', documentCount: 1 },
  ]);

  const search = async (collection: string) =>
    jsonLines(
      (await run(searchCommand, 'hills', '--mode', 'text', '--collection', collection, '--json'))
        .stdout,
    )
      .filter((l) => 'title' in l)
      .map((l) => l.title);
  expect((await search('Drinks')).sort()).toEqual(['coffee.md', 'tea.md']);
  expect(await search('plants')).toEqual(['tea.md']);

  const removed = await run(collectionsCommand, 'remove', 'Plants', path.join(docs, 'tea.md'));
  expect(removed.stdout).toContain('1 document removed from Plants');
  expect(await search('Plants')).toEqual([]);

  const missing = await run(collectionsCommand, 'add', 'Plants', path.join(docs, 'nothing.md'));
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('Not in the library');

  const deleted = await run(collectionsCommand, 'delete', 'Drinks');
  expect(deleted.stdout).toContain('Deleted Drinks; its 2 documents stay.');
  expect((await run(searchCommand, 'hills', '--mode', 'text', '--collection', 'Drinks')).code).toBe(
    2,
  );
  const all = jsonLines(
    (await run(searchCommand, 'hills', '--mode', 'text', '--json')).stdout,
  ).filter((l) => 'title' in l);
  expect(all).toHaveLength(2);
});

it('explains its usage for an unknown action', async () => {
  const result = await run(collectionsCommand, 'shuffle');
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('quire collections list|create');
});
