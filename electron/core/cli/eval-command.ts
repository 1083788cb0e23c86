import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateRun, parseJsonl, parseQrels, percentile, type Run } from '../retrieval/beir-eval';
import { createQuireCore } from '../quire-core';
import { coreOptionsFrom, createOutput, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const EVAL_HELP = `quire eval <beir-dir> [--mode hybrid|vector|text|all] [--qrels PATH] [--limit N] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8] [--json]
  Indexes a BEIR folder (corpus.jsonl, queries.jsonl, qrels/*.tsv) if needed, then reports
  nDCG@10, recall@10, recall@100 and latency p50/p95 per mode. The last line is JSON.`;

type Mode = 'hybrid' | 'vector' | 'text';

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      mode: { type: 'string', default: 'all' },
      qrels: { type: 'string' },
      limit: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const dir = positionals[0];
  if (!dir) {
    out.error('Name a BEIR folder (with corpus.jsonl, queries.jsonl and qrels/).');
    return 2;
  }
  const modes: Mode[] =
    values.mode === 'all' ? ['text', 'vector', 'hybrid'] : [values.mode as Mode];
  if (!modes.every((m) => ['hybrid', 'vector', 'text'].includes(m))) {
    out.error('--mode is hybrid, vector, text or all.');
    return 2;
  }
  const qrelsPath = path.resolve(values.qrels ?? path.join(dir, 'qrels', 'test.tsv'));
  let qrelsText: string;
  try {
    qrelsText = await fs.readFile(qrelsPath, 'utf8');
  } catch {
    out.error(
      `No relevance judgements at ${qrelsPath}. Pass --qrels <file> (e.g. qrels/train.tsv).`,
    );
    return 2;
  }
  const qrels = parseQrels(qrelsText);
  const queries = new Map(
    parseJsonl<{ _id: string; text: string }>(
      await fs.readFile(path.join(dir, 'queries.jsonl'), 'utf8'),
    ).map((q) => [String(q._id), q.text]),
  );
  let judged = [...qrels.keys()].filter((id) => queries.has(id));
  if (values.limit) judged = judged.slice(0, Number(values.limit));

  const dataDir = resolveDataDir(values.data);
  const corpusDir = path.join(dataDir, 'beir', path.basename(path.resolve(dir)));
  const core = await createQuireCore({ ...coreOptionsFrom(values), dataDir });
  try {
    // One document per corpus entry, named by its id, so hits map back to BEIR ids.
    const corpus = parseJsonl<{ _id: string; title?: string; text?: string }>(
      await fs.readFile(path.join(dir, 'corpus.jsonl'), 'utf8'),
    );
    await fs.mkdir(corpusDir, { recursive: true });
    const existing = new Set(await fs.readdir(corpusDir));
    for (const doc of corpus) {
      const name = `${String(doc._id).replace(/[^A-Za-z0-9_.-]/g, '_')}.txt`;
      if (!existing.has(name))
        await fs.writeFile(path.join(corpusDir, name), `${doc.title ?? ''}\n\n${doc.text ?? ''}\n`);
    }
    const started = Date.now();
    const added = await core.library.add([corpusDir]);
    if (added.added.length)
      out.line(`indexing ${added.added.length} documents…`, { indexing: added.added.length });
    await core.library.whenIdle();
    const indexMs = Date.now() - started;

    const results: Record<string, unknown> = {};
    for (const mode of modes) {
      const run: Run = new Map();
      const latencies: number[] = [];
      for (const id of judged) {
        const t0 = performance.now();
        const result = await core.retriever.search(queries.get(id)!, { mode, k: 100 });
        latencies.push(performance.now() - t0);
        const docs: string[] = [];
        for (const hit of result.hits) {
          const docId = (hit.title ?? '').replace(/\.txt$/, '');
          if (!docs.includes(docId)) docs.push(docId);
        }
        run.set(id, docs);
      }
      const subset = new Map(judged.map((id) => [id, qrels.get(id)!]));
      const at10 = evaluateRun(run, subset, 10);
      const at100 = evaluateRun(run, subset, 100);
      const round = (n: number) => Math.round(n * 10000) / 10000;
      results[mode] = {
        ndcg10: round(at10.ndcg),
        recall10: round(at10.recall),
        recall100: round(at100.recall),
        latencyP50Ms: Math.round(percentile(latencies, 0.5) * 10) / 10,
        latencyP95Ms: Math.round(percentile(latencies, 0.95) * 10) / 10,
        queries: at10.queries,
      };
      out.line(
        `${mode.padEnd(6)} nDCG@10 ${round(at10.ndcg)}  R@10 ${round(at10.recall)}  R@100 ${round(at100.recall)}  p50 ${Math.round(percentile(latencies, 0.5))} ms`,
        { mode, ...(results[mode] as object) },
      );
    }
    console.log(
      JSON.stringify({
        dataset: path.basename(path.resolve(dir)),
        qrels: qrelsPath,
        embeddingModel: core.model.modelId,
        modelHasWeights: core.model.hasWeights,
        documents: corpus.length,
        indexMs,
        results,
      }),
    );
    return 0;
  } finally {
    await core.close();
  }
}
