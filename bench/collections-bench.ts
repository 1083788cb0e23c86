// Collections at scale: what a scoped search costs against an unscoped one, and what moving
// documents between collections costs (one column update, no re-embedding).
//
//   npx tsx bench/collections-bench.ts [--docs 2000] [--chunks-per-doc 25] [--queries 50]
//
// Each document is in one of 10 collections (10% of the library each); vectors are random
// unit vectors, texts draw from a 2,000-word vocabulary. Latencies are after optimize (the
// label-list and full-text indexes cover every row) and are wall time on this machine.
import { loadavg } from 'node:os';
import { search, type SearchOptions } from '../electron/core/retrieval/search';
import { percentile } from '../electron/core/retrieval/beir-eval';
import { openStore } from '../electron/core/store';
import { tempDir } from '../test/helpers/store-fixtures';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback);
};
const DOCS = arg('docs', '2000');
const PER_DOC = arg('chunks-per-doc', '25');
const QUERIES = arg('queries', '50');
const DIMS = 384;
const COLLECTIONS = Array.from({ length: 10 }, (_, i) => `k${i}`);

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const unit = () => {
  const v = Float32Array.from({ length: DIMS }, () => random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
const words = Array.from({ length: 2000 }, (_, i) => `word${i.toString(36)}`);
const sentence = (n: number) =>
  Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');

const tmp = await tempDir('quire-collections-bench-');
const store = await openStore({ dir: tmp.dir, dims: DIMS });
try {
  const ids = Array.from({ length: DOCS }, (_, i) => `d${i}`);
  const started = performance.now();
  for (let at = 0; at < DOCS; at += 200) {
    await store.replaceDocuments(
      ids.slice(at, at + 200).map((docId, i) => ({
        docId,
        embeddingModel: 'bench',
        collections: [COLLECTIONS[(at + i) % COLLECTIONS.length]!],
        chunks: Array.from({ length: PER_DOC }, (_, ordinal) => ({
          ordinal,
          text: sentence(40),
          ftsText: sentence(40),
          pageStart: null,
          pageEnd: null,
          charStart: 0,
          charEnd: 10,
          headingPath: [],
          tokens: 40,
          vector: unit(),
        })),
      })),
    );
  }
  await store.optimize();
  const writeMs = performance.now() - started;

  const time = async (options: Omit<SearchOptions, 'query'>) => {
    const ms: number[] = [];
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      const result = await search(store, {
        query: sentence(6),
        queryVector: unit(),
        k: 10,
        ...options,
      });
      ms.push(performance.now() - t);
      hits += result.hits.length;
    }
    return {
      p50: percentile(ms, 0.5).toFixed(1),
      p95: percentile(ms, 0.95).toFixed(1),
      hits: hits / QUERIES,
    };
  };
  const rows: Record<string, unknown> = {};
  for (const mode of ['vector', 'text', 'hybrid'] as const) {
    rows[`${mode} all`] = await time({ mode });
    rows[`${mode} one collection (10%)`] = await time({ mode, collections: ['k3'] });
  }

  // Move 10% of the documents into a second collection: one update, timed.
  const moved = new Map(ids.filter((_, i) => i % 10 === 3).map((id) => [id, ['k3', 'k-extra']]));
  const beforeVectors = await store.countVectors('bench');
  const t = performance.now();
  await store.setCollections(moved);
  const moveMs = performance.now() - t;
  const afterMove = await time({ mode: 'hybrid', collections: ['k-extra'] });
  const o = performance.now();
  await store.optimize();
  const optimizeMs = performance.now() - o;
  const afterOptimize = await time({ mode: 'hybrid', collections: ['k-extra'] });
  console.log(
    JSON.stringify(
      {
        docs: DOCS,
        chunks: DOCS * PER_DOC,
        writeAndOptimizeMs: Math.round(writeMs),
        searchMs: rows,
        moveDocs: moved.size,
        moveChunks: moved.size * PER_DOC,
        moveMs: Math.round(moveMs),
        vectorsKept: (await store.countVectors('bench')) === beforeVectors,
        hybridInMovedCollectionBeforeOptimize: afterMove,
        optimizeAfterMoveMs: Math.round(optimizeMs),
        hybridInMovedCollectionAfterOptimize: afterOptimize,
        load: loadavg().map((l) => l.toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  await store.close();
  await tmp.cleanup();
}
