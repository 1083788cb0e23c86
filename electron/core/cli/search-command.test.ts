import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { BOW_RERANKER_MODEL_ID } from '../../../scripts/make-test-models';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { searchCommand } from './search-command';

let dir: string;
let remove: () => Promise<void>;
let modelsDir: string;

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  ({ modelsDir } = await testModels());
  const docs = path.join(dir, 'docs');
  fs.mkdirSync(docs);
  const texts = {
    'shared.md': 'Spring melt swells the river; the river carries melt downstream.',
    'rare.md': 'Glacier ice.',
    'other.md': 'The river bends past the town.',
  };
  for (const [name, text] of Object.entries(texts))
    fs.writeFileSync(path.join(docs, name), `${text}\n`);
  const core = await makeTestCore(path.join(dir, 'data'));
  await core.library.add(Object.keys(texts).map((name) => path.join(docs, name)));
  await core.library.whenIdle();
  await core.close();
}, 60_000);
afterAll(() => remove?.());

async function search(...flags: string[]) {
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
    const code = await searchCommand([
      'glacier melt river',
      '--mode',
      'text',
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      modelsDir,
      '--embedding-model',
      'quire-test/bow',
      ...flags,
    ]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

it('says on one stderr line that reranking is off when its model is absent, and still answers', async () => {
  const { code, stdout, stderr } = await search('--rerank');
  expect(code).toBe(0);
  expect(stderr.trimEnd().split('\n')).toEqual([
    `Note: Reranker model not found at ${path.join(modelsDir, 'Xenova', 'ms-marco-MiniLM-L-6-v2', 'onnx', 'model.onnx')}; reranking is off.`,
  ]);
  expect(stdout).toMatch(/^ 1\. \w+\.md {2}\(0\.\d+\)/);
  expect(stdout).toMatch(/3 results \(text\) in/);
});

it('reranks with --rerank, and not with --no-rerank', async () => {
  const model = ['--reranker-model', BOW_RERANKER_MODEL_ID];
  const on = await search('--rerank', ...model, '--json');
  expect(on.code).toBe(0);
  expect(on.stderr).toBe('');
  const lines = on.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines[0]).toMatchObject({ rank: 1, title: 'shared.md', rerankScore: expect.any(Number) });
  expect(lines.at(-1)).toMatchObject({ summary: { mode: 'text', reranked: true } });

  const off = await search('--no-rerank', ...model);
  expect(off.stderr).toBe('');
  expect(off.stdout).not.toMatch(/rerank/);
  expect(off.stdout).toMatch(/3 results \(text\) in/);

  expect((await search('--rerank', '--no-rerank')).code).toBe(2);
});
