import { Index, type Table } from '@lancedb/lancedb';
import { sqlString } from './schema';

export const VECTOR_COLUMN = 'vector';
export const VECTOR_INDEX_NAME = `${VECTOR_COLUMN}_idx`;

export type AnnQuery = { nprobes: number; refineFactor: number | null; ef: number | null };

export type VectorIndexPolicy = {
  /** Below this many embedded chunks a flat scan is exact and fast enough. */
  minRows: number;
  /** Retrain when the embedded rows have grown by this factor since the last build. */
  regrowFactor: number;
  /** Builds the index config for a table of `rows` embedded chunks. */
  build: (rows: number) => Index;
  /** Search-time knobs for the index that `build` makes. */
  query: AnnQuery;
};

/*
 * Chosen with bench/retrieval-ann.ts: 100k clustered 384-d chunks (5% pending), 2 vCPU
 * AMD EPYC, Node 20, LanceDB 0.22.3, the CPU shared with other jobs (load average 4-11,
 * which inflates every latency here; p50 is through search(), documents lookup included).
 * IVF_HNSW_SQ (1 partition, m 16, efConstruction 100), three runs at load ~9 / ~4.5 / ~6:
 *   ef 20                recall@10 0.909-0.917  p50 17.0 / 14.4 / 12.5 ms
 *   ef 40 (chosen)       recall@10 0.973-0.976  p50 15.9 / 15.5 / 12.0 ms
 *   ef 80                recall@10 0.978-0.979  p50 15.1 / 15.4 / 15.3 ms
 *   ef 40 + refine 2     recall@10 0.993-0.997  p50 17.8 / 16.0 / 16.0 ms
 *   ef 80 + refine 2     recall@10 1.000        p50 17.4 / 18.6 / 20.0 ms
 *   build 36-109 s at 100k rows (14 s at 20k); exact flat scan p50 287-488 ms.
 * Alternatives, one run each (before the has_vector bitmap index, worth ~4 ms):
 *   IVF_FLAT 158 parts, nprobes 5           recall@10 1.000  p50 35 ms (load 8), build 9 s
 *   IVF_PQ 4-bit x96, nprobes 5 + refine 5  recall@10 1.000  p50 24 ms (load 4), build 310 s
 *   IVF_PQ 4-bit x96, nprobes 5, no refine  recall@10 0.742
 * HNSW latency barely moves with ef (the floor is per-query overhead on a busy CPU), its
 * recall does not hinge on clusters lining up with IVF partitions, and it builds far faster
 * than PQ. Hybrid search asks for 4k candidates, which raises ef to 40 anyway. Below ~5k
 * rows a flat scan is exact and about as fast (~15 ms at 5k rows), so no index until then.
 */
export const DEFAULT_VECTOR_INDEX: VectorIndexPolicy = {
  minRows: 5_000,
  regrowFactor: 2,
  build: () =>
    Index.hnswSq({ distanceType: 'cosine', numPartitions: 1, m: 16, efConstruction: 100 }),
  query: { nprobes: 1, refineFactor: null, ef: 40 },
};

export async function hasVectorIndex(table: Table): Promise<boolean> {
  const indices = await table.listIndices();
  return indices.some((i) => i.columns.includes(VECTOR_COLUMN));
}

/** What the current ANN index was trained on; kept in the meta file. */
export type VectorIndexState = { model: string | null; rows: number; builtAt: number };

async function sampleModel(table: Table): Promise<string | null> {
  const rows = await table
    .query()
    .where('has_vector = true')
    .select(['embedding_model'])
    .limit(1)
    .toArray();
  const model: unknown = rows[0]?.embedding_model;
  return typeof model === 'string' ? model : null;
}

/**
 * Builds the ANN index once enough chunks carry vectors, and retrains it when its
 * partitions no longer fit the data: the library grew by `regrowFactor`, or most vectors
 * now come from another embedding model (centroids trained on the old model's space would
 * silently wreck recall). optimize() folds rows written in between into the existing index;
 * until then they are found by a flat scan of the unindexed part.
 * Returns the new state when it built an index, null otherwise.
 */
export async function maintainVectorIndex(
  table: Table,
  policy: VectorIndexPolicy,
  state: VectorIndexState | null,
  currentModel: string | null,
  now: number,
): Promise<VectorIndexState | null> {
  const rows = await table.countRows('has_vector = true');
  if (rows < policy.minRows) return null;
  let due = !(await hasVectorIndex(table));
  if (!due && state) {
    const sameModel =
      state.model === null
        ? rows
        : await table.countRows(
            `has_vector = true AND embedding_model = ${sqlString(state.model)}`,
          );
    due = rows >= state.rows * policy.regrowFactor || sameModel * 2 < rows;
  }
  if (!due) return null;
  await table.createIndex(VECTOR_COLUMN, { config: policy.build(rows), replace: true });
  return { model: currentModel ?? (await sampleModel(table)), rows, builtAt: now };
}
