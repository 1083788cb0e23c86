import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/store-fixtures';
import {
  evaluateRun,
  loadBeir,
  ndcgAt,
  parseQrels,
  percentile,
  recallAt,
  type Qrels,
} from './beir-eval';

const rels = (entries: Record<string, number>) => new Map(Object.entries(entries));

/*
 * Hand-checked fixture (log2(3) = 1.58496, log2(5) = 2.32193):
 * q1 relevant {d1, d2}; run d3, d1, d4, d2
 *   DCG  = 0 + 1/log2(3) + 0 + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
 *   IDCG = 1/log2(2) + 1/log2(3)         = 1 + 0.63093      = 1.63093
 *   nDCG = 1.06161 / 1.63093 = 0.65092; recall@10 = 2/2; recall@2 = 1/2
 * q2 graded {d5: 2, d6: 1}; run d6, d5
 *   DCG  = 1/1 + 2/log2(3) = 2.26186; IDCG = 2/1 + 1/log2(3) = 2.63093; nDCG = 0.85972
 * q3 relevant {d7}, absent from the run: 0
 * q4 judged, nothing relevant: skipped
 * mean nDCG@10 over q1..q3 = (0.65092 + 0.85972 + 0) / 3 = 0.50355
 */
const qrels: Qrels = new Map([
  ['q1', rels({ d1: 1, d2: 1 })],
  ['q2', rels({ d5: 2, d6: 1 })],
  ['q3', rels({ d7: 1 })],
  ['q4', rels({ d8: 0 })],
]);
const run = new Map([
  ['q1', ['d3', 'd1', 'd4', 'd2']],
  ['q2', ['d6', 'd5']],
  ['q4', ['d8']],
]);

describe('BEIR metrics', () => {
  it('computes nDCG@10 and recall@k as worked out by hand', () => {
    expect(ndcgAt(run.get('q1')!, qrels.get('q1')!, 10)).toBeCloseTo(0.65092, 5);
    expect(ndcgAt(run.get('q2')!, qrels.get('q2')!, 10)).toBeCloseTo(0.85972, 5);
    expect(recallAt(run.get('q1')!, qrels.get('q1')!, 10)).toBe(1);
    expect(recallAt(run.get('q1')!, qrels.get('q1')!, 2)).toBe(0.5);
    expect(ndcgAt(['d1', 'd2'], qrels.get('q1')!, 10)).toBeCloseTo(1, 10);
    expect(ndcgAt(['x', 'd1'], qrels.get('q1')!, 1)).toBe(0);
  });

  it('averages over queries with relevant judgements, missing runs scoring 0', () => {
    const result = evaluateRun(run, qrels, 10);
    expect(result.queries).toBe(3);
    expect(result.ndcg).toBeCloseTo(0.50355, 5);
    expect(result.recall).toBeCloseTo(2 / 3, 10);
  });

  it('takes percentiles', () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('BEIR loader', () => {
  it('reads corpus, queries and qrels', async () => {
    const { dir, cleanup } = await tempDir('quire-beir-');
    try {
      await mkdir(join(dir, 'qrels'));
      await writeFile(
        join(dir, 'corpus.jsonl'),
        '{"_id": "10", "title": "T", "text": "body"}\n{"_id": "11", "text": "no title"}\n',
      );
      await writeFile(
        join(dir, 'queries.jsonl'),
        '{"_id": "1", "text": "what?", "metadata": {}}\n',
      );
      await writeFile(
        join(dir, 'qrels', 'train.tsv'),
        'query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\t0\n',
      );
      const data = await loadBeir(dir, 'train');
      expect(data.corpus).toEqual([
        { id: '10', title: 'T', text: 'body' },
        { id: '11', title: '', text: 'no title' },
      ]);
      expect(data.queries.get('1')).toBe('what?');
      expect(data.qrels).toEqual(parseQrels('1\t10\t1\n1\t11\t0'));
      expect(data.qrels.get('1')?.get('11')).toBe(0);
    } finally {
      await cleanup();
    }
  });
});
