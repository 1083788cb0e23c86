import type { Table } from '@lancedb/lancedb';
import { sqlString, stringList } from './schema';

/**
 * Sets the `collections` list on documents' chunk rows. Documents with the same membership
 * share one update (one commit): adding 1,000 documents to a collection is one write.
 * Returns the number of commits.
 */
export async function updateCollections(
  chunks: Table,
  memberships: ReadonlyMap<string, readonly string[]>,
): Promise<number> {
  const groups = new Map<string, string[]>();
  for (const [docId, ids] of memberships) {
    const sorted = [...new Set(ids)].sort();
    // An empty list literal has no element type; a typed null reads back as "no collection".
    const value =
      sorted.length === 0
        ? "arrow_cast(NULL, 'List(Utf8)')"
        : `make_array(${sorted.map(sqlString).join(', ')})`;
    groups.set(value, [...(groups.get(value) ?? []), docId]);
  }
  for (const [value, docIds] of groups) {
    await chunks.update({
      where: `doc_id IN (${docIds.map(sqlString).join(', ')})`,
      valuesSql: { collections: value },
    });
  }
  return groups.size;
}

/** The collections each document's rows carry, read from its first chunk only. */
export async function readCollections(chunks: Table): Promise<Map<string, string[]>> {
  const rows = await chunks
    .query()
    .where('ordinal = 0')
    .select(['doc_id', 'collections'])
    .toArray();
  return new Map(
    rows.map((r: Record<string, unknown>) => [String(r.doc_id), stringList(r.collections)]),
  );
}
