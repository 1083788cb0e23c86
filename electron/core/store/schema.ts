import type { Chunk } from '../../../shared/chunks';
import { arrow, type ArrowSchema } from './arrow';

/** Bump with a migration in meta.ts whenever a table's shape changes. */
export const SCHEMA_VERSION = 4;

export const CHUNKS_TABLE = 'chunks';
/** Written until v3 with placeholder rows and never read; the registry journal is the record. */
export const RETIRED_DOCUMENTS_TABLE = 'documents';

/** A chunk as the writer hands it over. A null/absent vector means "pending". */
export type ChunkInput = Omit<Chunk, 'headingPath'> & {
  headingPath: readonly string[];
  /** The passage as the full-text index sees it (language/search-text.ts); derived from `text` when absent. */
  ftsText?: string;
  vector?: Float32Array | null;
};

export type StoredChunk = Chunk & {
  id: string;
  docId: string;
  embeddingModel: string | null;
  hasVector: boolean;
  ftsText?: string;
  /** Ids of the collections the chunk's document belongs to (the registry is the record). */
  collections: string[];
};

const { Field, Utf8, Int32, Bool, Float32, FixedSizeList, List } = arrow;

export function chunksSchema(dims: number): ArrowSchema {
  return new arrow.Schema([
    new Field('id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('ordinal', new Int32(), false),
    new Field('text', new Utf8(), false),
    // Segmented, normalised words for the full-text index (v2).
    new Field('fts_text', new Utf8(), false),
    new Field('page_start', new Int32(), true),
    new Field('page_end', new Int32(), true),
    new Field('char_start', new Int32(), false),
    new Field('char_end', new Int32(), false),
    // A JSON array of headings: unambiguous even when a heading contains a separator.
    new Field('heading_path', new Utf8(), false),
    new Field('tokens', new Int32(), false),
    new Field('embedding_model', new Utf8(), true),
    new Field('has_vector', new Bool(), false),
    new Field('vector', new FixedSizeList(dims, new Field('item', new Float32(), true)), false),
    collectionsField(),
  ]);
}

/** v4: the document's collections on every chunk, so a scoped search filters inside LanceDB. */
export function collectionsField() {
  // Nullable: rows from before v3 read as null, which means "in no collection".
  return new Field('collections', new List(new Field('item', new Utf8(), true)), true);
}

/** Every chunk column except the vector: what readers usually need. */
export const CHUNK_COLUMNS = [
  'id',
  'doc_id',
  'ordinal',
  'text',
  'fts_text',
  'page_start',
  'page_end',
  'char_start',
  'char_end',
  'heading_path',
  'tokens',
  'embedding_model',
  'has_vector',
  'collections',
] as const;

export function chunkId(docId: string, ordinal: number): string {
  return `${docId}:${ordinal}`;
}

/** Quotes a value for a LanceDB SQL filter. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Chunks in any of these collections; no collection at all matches nothing. */
export function collectionsFilter(ids: readonly string[]): string {
  if (ids.length === 0) return 'false';
  return `array_has_any(collections, make_array(${ids.map(sqlString).join(', ')}))`;
}

/** A list cell as LanceDB returns it (an Arrow vector, an array or null) as plain strings. */
export function stringList(raw: unknown): string[] {
  if (raw === null || raw === undefined) return [];
  if (typeof raw === 'object' && Symbol.iterator in raw)
    return [...(raw as Iterable<unknown>)].filter((v): v is string => typeof v === 'string');
  return [];
}

export function parseHeadingPath(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === 'string') : [];
  } catch {
    return [];
  }
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function rowToChunk(row: Row): StoredChunk {
  return {
    id: String(row.id),
    docId: String(row.doc_id),
    ordinal: num(row.ordinal),
    text: String(row.text),
    pageStart: numOrNull(row.page_start),
    pageEnd: numOrNull(row.page_end),
    charStart: num(row.char_start),
    charEnd: num(row.char_end),
    headingPath: parseHeadingPath(row.heading_path),
    tokens: num(row.tokens),
    embeddingModel: strOrNull(row.embedding_model),
    hasVector: Boolean(row.has_vector),
    collections: stringList(row.collections),
    ...(typeof row.fts_text === 'string' ? { ftsText: row.fts_text } : {}),
  };
}
