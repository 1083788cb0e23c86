import { Index, type Table } from '@lancedb/lancedb';

export const VECTOR_COLUMN = 'vector';
export const VECTOR_INDEX_NAME = `${VECTOR_COLUMN}_idx`;

export type AnnQuery = { nprobes: number; refineFactor: number | null; ef: number | null };

export type VectorIndexPolicy = {
  /** Below this many embedded chunks a flat scan is exact and fast enough. */
  minRows: number;
  /** Builds the index config for a table of `rows` embedded chunks. */
  build: (rows: number) => Index;
  /** Search-time knobs for the index that `build` makes. */
  query: AnnQuery;
};

// PLACEHOLDER_ANN_DEFAULTS
export const DEFAULT_VECTOR_INDEX: VectorIndexPolicy = {
  minRows: 50_000,
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

/**
 * Builds the ANN index once enough chunks carry vectors. Later optimize() calls fold new
 * rows into it; rows written since are still found, by a flat scan of the unindexed part.
 */
export async function ensureVectorIndex(table: Table, policy: VectorIndexPolicy): Promise<boolean> {
  if (await hasVectorIndex(table)) return false;
  const rows = await table.countRows('has_vector = true');
  if (rows < policy.minRows) return false;
  await table.createIndex(VECTOR_COLUMN, { config: policy.build(rows), replace: true });
  return true;
}
