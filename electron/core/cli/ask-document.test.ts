// `quire ask --document ID` answers from that whole document with the embedded model.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { BOW_MODEL, makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { askCommand } from './ask-command';

const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);

let dir = '';
let remove: () => Promise<void> = async () => {};
let documentId = '';
let modelsDir = '';

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir('quire-ask-doc-'));
  ({ modelsDir } = await testModels());
  const core = await makeTestCore(path.join(dir, 'data'));
  await core.library.add(writeNotes(path.join(dir, 'docs'), 2));
  await core.library.whenIdle();
  documentId = core.library.registry.all().find((d) => d.name === 'note-001.md')!.id;
  await core.close();
}, 60_000);
afterAll(() => remove());

async function ask(...argv: string[]) {
  return run([...argv, '--provider', 'embedded', '--model', GGUF]);
}

async function run(argv: string[]) {
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
    const code = await askCommand([
      ...argv,
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      modelsDir,
      '--embedding-model',
      BOW_MODEL,
    ]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

it('answers from the whole document, citing only that document', async () => {
  const result = await ask('What is this note about?', '--document', documentId);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('… Writing the answer from the whole document');
  expect(result.stderr).not.toContain('Searching');
  const sources = result.stdout.split('\nSources:\n')[1] ?? '';
  expect(sources).toMatch(/^\[1\]\*? note-001\.md: /m);
  expect(sources).not.toContain('note-000.md');
  expect(result.stdout).toMatch(
    /\((complete|cut short at the answer length limit); conversation c/,
  );
}, 120_000);

it('an unknown document id is a clear error', async () => {
  const result = await ask('Anything?', '--document', 'd_missing');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('That document is not in the library.');
}, 120_000);

it('without a language model, says that a whole-document question needs one', async () => {
  const result = await run(['Summarise it.', '--document', documentId]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('A question about a whole document needs a language model.');
  expect(result.stderr).toContain('[no_provider]');
}, 120_000);
