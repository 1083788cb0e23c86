// ANN benchmark for the chunks table: p50 latency and recall@10 against exact search.
//
//   npx tsx bench/retrieval-ann.ts [--n 100000] [--queries 200]
//     [--index default,ivf_flat,ivf_pq4,ivf_pq8,ivf_hnsw_sq]   (default: the store's own index)
//
// Vectors are synthetic but clustered (topics > subtopics > noise, then normalised; cosine
// ~0.6 within a subtopic, ~0.4 within a topic, ~0 across), so neighbours are meaningful the
// way sentence embeddings are; 5% of chunks stay pending
// (zero vector, has_vector=false) as in a library still being embedded.
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { Index } from '@lancedb/lancedb';
import { openStore } from '../electron/core/store';
import { tempDir } from '../test/helpers/store-fixtures';
import { search } from '../electron/core/retrieval/search';
import { percentile } from '../electron/core/retrieval/beir-eval';
import { DEFAULT_VECTOR_INDEX, type AnnQuery } from '../electron/core/store/vector-index';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('n', '100000'));
const QUERIES = Number(arg('queries', '200'));
const DIMS = 384;
const K = 10;
const PENDING = 0.05;
const DOC_SIZE = 1000;

let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const randomVector = (scale: number) => Float32Array.from({ length: DIMS }, () => gauss() * scale);

const topics = Array.from({ length: 200 }, () => randomVector(1));
const subtopics = Array.from({ length: 2000 }, () => {
  const topic = topics[Math.floor(random() * topics.length)]!;
  const offset = randomVector(0.7);
  return topic.map((x, i) => x + offset[i]!);
});
function sample(): Float32Array {
  const sub = subtopics[Math.floor(random() * subtopics.length)]!;
  const v = sub.map((x) => x + gauss());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

type IndexChoice = { name: string; build: (rows: number) => Index; sweep: AnnQuery[] };
const grid = (nprobes: number[], refine: (number | null)[]) =>
  nprobes.flatMap((p) => refine.map((r) => ({ nprobes: p, refineFactor: r, ef: null })));
const INDEXES: IndexChoice[] = [
  {
    // What the store builds (DEFAULT_VECTOR_INDEX), around its default query knobs.
    name: 'default',
    build: DEFAULT_VECTOR_INDEX.build,
    sweep: [20, 40, 80].flatMap((ef) =>
      [null, 2].map((refineFactor) => ({ ...DEFAULT_VECTOR_INDEX.query, refineFactor, ef })),
    ),
  },
  {
    name: 'ivf_flat',
    build: (rows) =>
      Index.ivfFlat({
        distanceType: 'cosine',
        numPartitions: Math.round(Math.sqrt(rows) / 2),
        maxIterations: 20,
      }),
    sweep: grid([5, 10, 20, 40], [null]),
  },
  {
    // 4-bit PQ trains 16x faster than 8-bit (16 centroids per subvector instead of 256);
    // the refine step re-ranks with the raw vectors, which restores the precision.
    name: 'ivf_pq4',
    build: (rows) =>
      Index.ivfPq({
        distanceType: 'cosine',
        numPartitions: Math.round(Math.sqrt(rows) / 2),
        numSubVectors: DIMS / 4,
        numBits: 4,
        maxIterations: 20,
      }),
    sweep: grid([5, 10, 20, 40], [null, 2, 5]),
  },
  {
    name: 'ivf_pq8',
    build: (rows) =>
      Index.ivfPq({
        distanceType: 'cosine',
        numPartitions: Math.round(Math.sqrt(rows) / 2),
        numSubVectors: DIMS / 8,
        maxIterations: 20,
      }),
    sweep: grid([5, 10, 20, 40], [null, 2, 5]),
  },
  {
    name: 'ivf_hnsw_sq',
    build: () =>
      Index.hnswSq({ distanceType: 'cosine', numPartitions: 1, m: 16, efConstruction: 100 }),
    sweep: [20, 40, 80, 160].flatMap((ef) =>
      [null, 2].map((refineFactor) => ({ nprobes: 1, refineFactor, ef })),
    ),
  },
];

async function main(): Promise<void> {
  const wanted = arg('index', 'default').split(',');
  const { dir, cleanup } = await tempDir('quire-ann-');
  const store = await openStore({
    dir,
    dims: DIMS,
    vectorIndex: { minRows: Number.MAX_SAFE_INTEGER },
  });
  try {
    let started = performance.now();
    for (let d = 0; d * DOC_SIZE < N; d++) {
      const count = Math.min(DOC_SIZE, N - d * DOC_SIZE);
      const chunks = Array.from({ length: count }, (_, i) => ({
        ordinal: i,
        text: `passage ${i} of document ${d}`,
        pageStart: null,
        pageEnd: null,
        charStart: 0,
        charEnd: 0,
        headingPath: [],
        tokens: 6,
        vector: random() < PENDING ? null : sample(),
      }));
      await store.replaceDocumentChunks(`doc${d}`, chunks, { embeddingModel: 'bench' });
    }
    await store.optimize();
    const loadMs = performance.now() - started;
    const queries = Array.from({ length: QUERIES }, sample);
    const labels = new Map(
      Array.from({ length: Math.ceil(N / DOC_SIZE) }, (_, d) => [
        `doc${d}`,
        { name: `doc${d}.txt`, path: `/bench/doc${d}.txt` },
      ]),
    );
    const memoryLabels = async (ids: readonly string[]) =>
      new Map(ids.flatMap((id) => (labels.has(id) ? [[id, labels.get(id)!] as const] : [])));
    const chunks = store.tables.chunks;
    const exact = async (q: Float32Array) =>
      (
        await chunks
          .vectorSearch(q)
          .distanceType('cosine')
          .where('has_vector = true')
          .bypassVectorIndex()
          .select(['id', '_distance'])
          .limit(K)
          .toArray()
      ).map((r) => String(r.id));
    const truth: string[][] = [];
    const exactLatency: number[] = [];
    for (const q of queries) {
      started = performance.now();
      truth.push(await exact(q));
      exactLatency.push(performance.now() - started);
    }
    const results: Record<string, unknown>[] = [];
    for (const choice of INDEXES.filter((i) => wanted.includes(i.name))) {
      started = performance.now();
      await chunks.createIndex('vector', {
        config: choice.build(await store.countVectors()),
        replace: true,
      });
      const buildMs = performance.now() - started;
      for (const ann of choice.sweep) {
        for (const q of queries.slice(0, 10))
          await search(store, { query: '', queryVector: q, mode: 'vector', k: K, ann });
        const latency: number[] = [];
        let found = 0;
        for (const [i, q] of queries.entries()) {
          // Titles come from memory, as the app takes them from the library registry.
          const t0 = performance.now();
          const result = await search(store, {
            query: '',
            queryVector: q,
            mode: 'vector',
            k: K,
            ann,
            resolveDocuments: memoryLabels,
          });
          latency.push(performance.now() - t0);
          const { hits } = result;
          const expected = new Set(truth[i]);
          found += hits.filter((h) => expected.has(h.chunkId)).length;
        }
        const row = {
          index: choice.name,
          ...ann,
          buildMs: Math.round(buildMs),
          p50Ms: round(percentile(latency, 0.5)),
          p95Ms: round(percentile(latency, 0.95)),
          recallAt10: round(found / (K * QUERIES), 3),
          // Other processes share the CPU; latency is only comparable at similar load.
          loadAvg1m: round(loadavg()[0] ?? 0, 1),
        };
        results.push(row);
        console.error(JSON.stringify(row));
      }
    }
    const ok = results.filter((r) => (r.recallAt10 as number) >= 0.95);
    const best = (ok.length ? ok : results).sort((a, b) =>
      ok.length
        ? (a.p50Ms as number) - (b.p50Ms as number)
        : (b.recallAt10 as number) - (a.recallAt10 as number),
    )[0];
    console.log(
      JSON.stringify(
        {
          best,
          meetsTarget: Boolean(
            best && (best.p50Ms as number) <= 15 && (best.recallAt10 as number) >= 0.95,
          ),
          exactP50Ms: round(percentile(exactLatency, 0.5)),
          rows: N,
          dims: DIMS,
          queries: QUERIES,
          pendingShare: PENDING,
          loadMs: Math.round(loadMs),
          machine: {
            cpu: cpus()[0]?.model ?? 'unknown',
            cores: cpus().length,
            memoryGiB: round(totalmem() / 2 ** 30, 1),
            os: `${platform()} ${release()} ${arch()}`,
            node: process.version,
          },
          results,
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    await cleanup();
  }
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

await main();
