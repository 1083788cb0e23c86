import { Index, type FtsOptions, type Table } from '@lancedb/lancedb';

export type FtsSettings = Partial<FtsOptions>;

/**
 * BM25 over `fts_text`: the passage already split into words in its document's language
 * (Intl.Segmenter, so Japanese and Chinese have word boundaries), lower-cased, with that
 * language's function words dropped and a light stem (language/search-text.ts). The index
 * splits on whitespace only and adds English stemming and stop words on top, as before.
 * Queries go through the same preparation.
 *
 * Before v2 this was English BM25 over `text`. On SciFact (5,183 abstracts, 809 train queries) stemming plus
 * stop-word removal gave the best nDCG@10 of the settings we tried (see
 * retrieval/beir-scifact.test.ts for the sweep numbers). Positions are off: we never run
 * phrase queries, and the index is smaller and faster to build without them.
 */
export const DEFAULT_FTS: FtsSettings = {
  baseTokenizer: 'whitespace',
  language: 'English',
  lowercase: true,
  stem: true,
  removeStopWords: true,
  asciiFolding: true,
  withPosition: false,
  maxTokenLength: 40,
};

export const FTS_COLUMN = 'fts_text';
export const FTS_INDEX_NAME = `${FTS_COLUMN}_idx`;

/** Canonical form of the settings, stored in the meta file to notice when they change. */
export function ftsFingerprint(settings: FtsSettings): string {
  const sorted = Object.fromEntries(
    Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)),
  );
  return JSON.stringify(sorted);
}

/** Creates the index when missing (or rebuilds it when asked); true when it built one. */
export async function ensureFtsIndex(
  table: Table,
  settings: FtsSettings,
  rebuild = false,
): Promise<boolean> {
  if (!rebuild) {
    const indices = await table.listIndices();
    if (indices.some((i) => i.indexType === 'FTS' && i.columns.includes(FTS_COLUMN))) return false;
  }
  await table.createIndex(FTS_COLUMN, { config: Index.fts(settings), replace: true });
  return true;
}
