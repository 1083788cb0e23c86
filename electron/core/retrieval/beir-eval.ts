import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** query id → document id → graded relevance (0 = judged not relevant). */
export type Qrels = Map<string, Map<string, number>>;
/** query id → document ids, best first. */
export type Run = Map<string, readonly string[]>;

export type BeirDoc = { id: string; title: string; text: string };
export type BeirDataset = { corpus: BeirDoc[]; queries: Map<string, string>; qrels: Qrels };

/**
 * nDCG@k as BEIR computes it (pytrec_eval's ndcg_cut): linear gain rel / log2(rank + 1),
 * normalised by the ideal ordering of all judged-relevant documents for the query.
 */
export function ndcgAt(
  ranked: readonly string[],
  rels: ReadonlyMap<string, number>,
  k = 10,
): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (rels.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...rels.values()]
    .filter((r) => r > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idcg = ideal.reduce((sum, rel, i) => sum + rel / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant documents that appear in the top k. */
export function recallAt(
  ranked: readonly string[],
  rels: ReadonlyMap<string, number>,
  k = 10,
): number {
  const relevant = [...rels.entries()].filter(([, r]) => r > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export type Evaluation = { queries: number; ndcg: number; recall: number };

/** Means over every query with a relevant judgement; a query missing from the run scores 0. */
export function evaluateRun(run: Run, qrels: Qrels, k = 10): Evaluation {
  let ndcg = 0;
  let recall = 0;
  let queries = 0;
  for (const [queryId, rels] of qrels) {
    if (![...rels.values()].some((r) => r > 0)) continue;
    const ranked = run.get(queryId) ?? [];
    ndcg += ndcgAt(ranked, rels, k);
    recall += recallAt(ranked, rels, k);
    queries += 1;
  }
  return queries === 0
    ? { queries, ndcg: 0, recall: 0 }
    : { queries, ndcg: ndcg / queries, recall: recall / queries };
}

export function parseJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** BEIR qrels TSV: `query-id  corpus-id  score`, with a header line. */
export function parseQrels(text: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of text.split('\n')) {
    const [queryId, docId, score] = line.trim().split('\t');
    if (!queryId || !docId || score === undefined || queryId === 'query-id') continue;
    const rels = qrels.get(queryId) ?? new Map<string, number>();
    rels.set(docId, Number(score));
    qrels.set(queryId, rels);
  }
  return qrels;
}

/** Loads a BEIR folder: corpus.jsonl, queries.jsonl and qrels/<split>.tsv. */
export async function loadBeir(dir: string, split = 'test'): Promise<BeirDataset> {
  type RawDoc = { _id: string; title?: string; text?: string };
  type RawQuery = { _id: string; text: string };
  const [corpusText, queriesText, qrelsText] = await Promise.all([
    readFile(join(dir, 'corpus.jsonl'), 'utf8'),
    readFile(join(dir, 'queries.jsonl'), 'utf8'),
    readFile(join(dir, 'qrels', `${split}.tsv`), 'utf8'),
  ]);
  return {
    corpus: parseJsonl<RawDoc>(corpusText).map((d) => ({
      id: String(d._id),
      title: d.title ?? '',
      text: d.text ?? '',
    })),
    queries: new Map(parseJsonl<RawQuery>(queriesText).map((q) => [String(q._id), q.text])),
    qrels: parseQrels(qrelsText),
  };
}

/** The p-quantile (0.5 = median) of a list of numbers, e.g. latencies. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
