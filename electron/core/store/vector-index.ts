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

// PLACEHOLDER_ANN_DEFAULTS
export const DEFAULT_VECTOR_INDEX: VectorIndexPolicy = {
  minRows: 50_000,
  regrowFactor: 2,
  build: (rows) =>
    Index.ivfPq({
      distanceType: 'cosine',
      numPartitions: Math.max(1, Math.round(Math.sqrt(rows))),
    }),
  query: { nprobes: 20, refineFactor: 4, ef: null },
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
