import type { Chunk } from '../../../shared/chunks';
import { QuireError } from '../../../shared/errors';
import {
  CHUNK_COLUMNS,
  collectionsFilter,
  FTS_COLUMN,
  guard,
  rowToChunk,
  sqlString,
  type AnnQuery,
  type Store,
  type StoredChunk,
} from '../store';
import { searchQueryText } from '../language/search-text';
import { fuseRrf, type RankedList } from './rrf';

export type SearchMode = 'hybrid' | 'vector' | 'text';
type Source = 'vector' | 'text';

/** `ocrPages`: pages read by OCR (0: an image read whole), to mark their passages. */
export type DocumentLabel = { name: string; path: string; ocrPages?: readonly number[] };
/** Where titles come from: the library's registry, the one record of each document. */
export type ResolveDocuments = (ids: readonly string[]) => Promise<Map<string, DocumentLabel>>;

export type SearchOptions = {
  query: string;
  queryVector?: Float32Array | null;
  k?: number;
  mode?: SearchMode;
  weights?: { vector: number; text: number };
  rrfK?: number;
  /** Candidates per mode: 4·k for hybrid, k otherwise by default. Fewer than k caps the hits. */
  candidates?: number;
  /** Only chunks embedded by this model are comparable with the query vector. */
  embeddingModel?: string | null;
  /** Restrict to these documents (e.g. a chat scoped to a selection). */
  docIds?: readonly string[];
  /** Leave these documents out, inside the LanceDB query (evaluation: "the answer is not here"). */
  excludeDocIds?: readonly string[];
  /** Restrict to chunks in any of these collections, inside the LanceDB query (not a post-filter). */
  collections?: readonly string[];
  /** Overrides of the ANN knobs (the benchmark sweeps these). */
  ann?: Partial<AnnQuery>;
  /** Without it, hits carry their document id and no title or path. */
  resolveDocuments?: ResolveDocuments;
  /** Languages of the library's documents: a query of unclear language is also stemmed as these. */
  languages?: readonly string[];
};

export type SearchHit = Omit<Chunk, 'tokens'> & {
  chunkId: string;
  docId: string;
  /** The document's name, or null if its row is gone (e.g. deleted mid-query). */
  title: string | null;
  path: string | null;
  /** Fused reciprocal-rank score; higher is better. */
  score: number;
  /** The cross-encoder's score when the hits were reranked (then they are in its order), else null. */
  rerankScore: number | null;
  /** 1-based rank in each mode, for debugging; null when that mode did not return it. */
  ranks: { vector: number | null; text: number | null };
  /** Cosine distance (0 = same direction) and BM25 score, when available. */
  distance: number | null;
  bm25: number | null;
  /** The passage comes from a page (or image) read by OCR. */
  ocr: boolean;
};

export type SearchResult = {
  hits: SearchHit[];
  /** The mode that actually ran. */
  mode: SearchMode;
  /** Set when vector search could not run: no query vector, or no chunk has a vector yet. */
  degraded: 'no_vectors' | null;
};

type Candidate = { chunk: StoredChunk; distance: number | null; bm25: number | null };
type Row = Record<string, unknown>;

// The index's words are not needed in results.
const SELECT = CHUNK_COLUMNS.filter((c) => c !== 'fts_text');

/** The scope as one SQL predicate, applied as a prefilter by both the vector and text query. */
function scopeFilter(options: SearchOptions): string | null {
  const parts: string[] = [];
  const { docIds, excludeDocIds, collections } = options;
  if (docIds !== undefined)
    parts.push(docIds.length === 0 ? 'false' : `doc_id IN (${docIds.map(sqlString).join(', ')})`);
  if (excludeDocIds !== undefined && excludeDocIds.length > 0)
    parts.push(`NOT doc_id IN (${excludeDocIds.map(sqlString).join(', ')})`);
  if (collections !== undefined) parts.push(collectionsFilter(collections));
  return parts.length === 0 ? null : parts.join(' AND ');
}

async function textCandidates(
  store: Store,
  query: string,
  limit: number,
  filter: string | null,
  languages: readonly string[],
): Promise<Row[]> {
  // Prepared like the passages' fts_text: the same segmentation, stop words and stems.
  const cleaned = searchQueryText(query, languages);
  if (cleaned === '') return [];
  let q = store.tables.chunks
    .query()
    .fullTextSearch(cleaned, { columns: FTS_COLUMN })
    .select([...SELECT, '_score'])
    .limit(limit);
  if (filter) q = q.where(filter);
  return (await q.toArray()) as Row[];
}

/**
 * A scope this small is searched exactly. HNSW with a selective filter can come back short
 * (measured: 9.84 of 10 hits for a 10% collection of 50k chunks), while a flat scan of the
 * filtered rows, found through the label-list index, stays fast at this size.
 */
export const EXACT_SCOPE_ROWS = 20_000;

async function vectorCandidates(
  store: Store,
  vector: Float32Array,
  limit: number,
  filters: string[],
  ann: AnnQuery,
  exact: boolean,
): Promise<Row[]> {
  let q = store.tables.chunks
    .vectorSearch(vector)
    .distanceType('cosine')
    // Pending chunks hold zero vectors: cosine is undefined for them, so they must not compete.
    .where(['has_vector = true', ...filters].join(' AND '))
    .select([...SELECT, '_distance'])
    .limit(limit)
    .nprobes(ann.nprobes);
  if (ann.refineFactor) q = q.refineFactor(ann.refineFactor);
  // HNSW rejects ef < limit.
  if (ann.ef) q = q.ef(Math.max(ann.ef, limit));
  if (exact) q = q.bypassVectorIndex();
  return (await q.toArray()) as Row[];
}

/** How many passages a scope covers (all of them without one). */
export function countPassages(
  store: Store,
  scope: Pick<SearchOptions, 'docIds' | 'collections'> = {},
): Promise<number> {
  const filter = scopeFilter({ query: '', ...scope });
  return guard('count passages', () => store.tables.chunks.countRows(filter ?? undefined));
}

/** Vector, full-text or hybrid (weighted RRF) search over the store's chunks. */
export function search(store: Store, options: SearchOptions): Promise<SearchResult> {
  const vector = options.queryVector ?? null;
  if (vector && vector.length !== store.dims) {
    const message = `The query vector has ${vector.length} dims; the index holds ${store.dims}.`;
    return Promise.reject(new QuireError('invalid_argument', message));
  }
  return guard('search', () => run(store, options, vector));
}

async function run(
  store: Store,
  options: SearchOptions,
  vector: Float32Array | null,
): Promise<SearchResult> {
  const k = Math.max(0, Math.floor(options.k ?? 10));
  const requested = options.mode ?? 'hybrid';
  const weights = options.weights ?? { vector: 1, text: 1 };
  // Fusion needs depth from each mode; a single mode needs only its top k.
  const fallback = requested === 'hybrid' ? 4 * k : k;
  const limit = Math.max(1, Math.floor(options.candidates ?? fallback));
  const docs = scopeFilter(options);
  if (k === 0) return { hits: [], mode: requested, degraded: null };

  const wantVector = requested !== 'text' && weights.vector > 0;
  const wantText = requested !== 'vector' && weights.text > 0;
  const ann = { ...store.settings.vectorIndex.query, ...options.ann };
  const filters = [
    ...(options.embeddingModel ? [`embedding_model = ${sqlString(options.embeddingModel)}`] : []),
    ...(docs ? [docs] : []),
  ];

  const exact =
    docs !== null && wantVector && vector !== null
      ? (await store.tables.chunks.countRows(docs)) <= EXACT_SCOPE_ROWS
      : false;
  const [vectorRows, textRows] = await Promise.all([
    wantVector && vector
      ? vectorCandidates(store, vector, limit, filters, ann, exact)
      : Promise.resolve([]),
    wantText
      ? textCandidates(store, options.query, limit, docs, options.languages ?? [])
      : Promise.resolve([]),
  ]);
  const degraded = wantVector && vectorRows.length === 0 ? 'no_vectors' : null;
  const mode: SearchMode = requested === 'hybrid' && degraded ? 'text' : requested;

  const candidates = new Map<string, Candidate>();
  const lists: RankedList<Source>[] = [];
  const collect = (source: Source, rows: Row[], weight: number) => {
    const ids = rows.map((row) => {
      const chunk = rowToChunk(row);
      const found = candidates.get(chunk.id) ?? { chunk, distance: null, bm25: null };
      if (source === 'vector') found.distance = Number(row._distance);
      else found.bm25 = Number(row._score);
      candidates.set(chunk.id, found);
      return chunk.id;
    });
    lists.push({ source, ids, weight });
  };
  if (wantVector) collect('vector', vectorRows, weights.vector);
  if (wantText) collect('text', textRows, weights.text);

  const fused = fuseRrf(lists, options.rrfK ?? 60).slice(0, k);
  const resolve: ResolveDocuments = options.resolveDocuments ?? (async () => new Map());
  const labels = await resolve([...new Set(fused.map((f) => candidates.get(f.id)!.chunk.docId))]);
  const hits = fused.map((f): SearchHit => {
    const { chunk, distance, bm25 } = candidates.get(f.id)!;
    const label = labels.get(chunk.docId);
    return {
      chunkId: chunk.id,
      docId: chunk.docId,
      title: label?.name ?? null,
      path: label?.path ?? null,
      text: chunk.text,
      ordinal: chunk.ordinal,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      charStart: chunk.charStart,
      charEnd: chunk.charEnd,
      headingPath: chunk.headingPath,
      score: f.score,
      rerankScore: null,
      ranks: { vector: f.ranks.vector ?? null, text: f.ranks.text ?? null },
      ocr: label?.ocrPages?.includes(chunk.pageStart ?? 0) ?? false,
      distance,
      bm25,
    };
  });
  return { hits, mode, degraded };
}
