import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  return run('glacier melt river', ...flags);
}

async function run(...args: string[]) {
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
      ...args,
      '--mode',
      'text',
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      modelsDir,
      '--embedding-model',
      'quire-test/bow',
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

describe('--queries', () => {
  const jsonLines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('answers one line per query, with whether the library covers it', async () => {
    const file = path.join(dir, 'queries.jsonl');
    fs.writeFileSync(
      file,
      [
        { id: 'melt', text: 'Where does the river carry the melt downstream?' },
        { id: 7, text: 'quantum chromodynamics on a lattice' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n') + '\n',
    );
    const { code, stdout, stderr } = await run('--queries', file, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [melt, absent, ...rest] = jsonLines(stdout);
    expect(rest).toEqual([]);
    expect(melt).toMatchObject({ id: 'melt', covered: true, confidence: expect.any(Number) });
    expect((melt!.hits as Array<Record<string, unknown>>)[0]).toMatchObject({
      rank: 1,
      title: 'shared.md',
      text: expect.stringContaining('river carries melt'),
    });
    // Nothing in the library has these words: nothing to answer from.
    expect(absent).toEqual({ id: 7, covered: false, confidence: 0, hits: [] });
  });

  it('reports a bad line by its id or line number and goes on; the exit code is 3', async () => {
    const file = path.join(dir, 'bad-queries.jsonl');
    fs.writeFileSync(
      file,
      [
        '{"id": "a", "text": "glacier ice"}',
        'not json at all',
        '',
        '{"id": "b"}',
        '{"text": "no id here"}',
        '{"id": "c", "text": "river town"}',
      ].join('\n'),
    );
    const { code, stdout } = await run('--queries', file, '--json');
    expect(code).toBe(3);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.id)).toEqual(['a', null, 'b', null, 'c']);
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'invalid_line' } });
    expect(lines[2]).toMatchObject({
      line: 4,
      error: { message: expect.stringMatching(/"text"/) },
    });
    expect(lines[3]).toMatchObject({ line: 5, error: { message: expect.stringMatching(/"id"/) } });
    expect(lines[4]).toMatchObject({ covered: expect.any(Boolean), hits: expect.any(Array) });
  });

  it('takes a query or a file, not both, and says when the file is missing', async () => {
    expect((await run('river', '--queries', path.join(dir, 'queries.jsonl'))).code).toBe(2);
    const missing = await run('--queries', path.join(dir, 'nowhere.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read/);
  });
});
