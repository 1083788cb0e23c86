import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { evalCommand } from './eval-command';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(() => remove());

it('indexes a tiny BEIR folder and reports hand-checked nDCG@10 and recall', async () => {
  const beir = path.join(dir, 'tiny');
  fs.mkdirSync(path.join(beir, 'qrels'), { recursive: true });
  const corpus = [
    { _id: 'd1', title: 'Ice', text: 'A glacier is a slow river of ice that carves valleys.' },
    { _id: 'd2', title: 'Fire', text: 'A volcano erupts when magma rises through the crust.' },
    {
      _id: 'd3',
      title: 'Lava',
      text: 'Basalt forms when molten rock cools quickly at the surface.',
    },
    {
      _id: 'd4',
      title: 'Volcano volcano',
      text: 'Volcano tours: volcano hiking, volcano photos and volcano souvenirs.',
    },
  ];
  fs.writeFileSync(
    path.join(beir, 'corpus.jsonl'),
    corpus.map((d) => JSON.stringify(d)).join('\n'),
  );
  fs.writeFileSync(
    path.join(beir, 'queries.jsonl'),
    [
      { _id: 'q1', text: 'glacier' },
      { _id: 'q2', text: 'volcano' },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  fs.writeFileSync(
    path.join(beir, 'qrels', 'test.tsv'),
    'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq2\td3\t1\n',
  );
  const models = await testModels();
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await evalCommand([
      beir,
      '--mode',
      'text',
      '--json',
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      models.modelsDir,
      '--embedding-model',
      'quire-test/bow',
    ]);
    expect(code).toBe(0);
  } finally {
    spy.mockRestore();
    write.mockRestore();
  }
  const report = JSON.parse(lines.at(-1)!) as {
    results: { text: { ndcg10: number; recall10: number; queries: number } };
  };
  // q1: d1 first → nDCG 1. q2: d4 (irrelevant, "volcano" ×5) then d2; d3 never matches:
  // DCG = 1/log2(3) = 0.6309, IDCG = 1 + 1/log2(3) = 1.6309, nDCG = 0.3869. Mean = 0.6934.
  expect(report.results.text.queries).toBe(2);
  expect(report.results.text.ndcg10).toBeCloseTo(0.6934, 3);
  expect(report.results.text.recall10).toBeCloseTo(0.75, 4);
});
