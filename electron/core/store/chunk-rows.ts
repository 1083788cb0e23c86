import { QuireError } from '../../../shared/errors';
import { detectLanguage } from '../language/detect-language';
import { searchText } from '../language/search-text';
import { buildArrowTable, type ArrowSchema, type ArrowTable } from './arrow';
import { chunkId, type ChunkInput, type StoredChunk } from './schema';

/** A chunk ready to be written: its metadata plus either a vector or nothing (pending). */
export type ChunkRow = Omit<StoredChunk, 'hasVector' | 'embeddingModel'> & {
  vector: Float32Array | null;
  embeddingModel: string | null;
};

function checkVector(vector: Float32Array, dims: number, where: string): void {
  if (vector.length !== dims) {
    throw new QuireError(
      'invalid_argument',
      `${where}: vector has ${vector.length} dims, expected ${dims}.`,
    );
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) {
      throw new QuireError('invalid_argument', `${where}: vector contains a non-finite value.`);
    }
  }
}

/** Validates the writer's chunks and gives them their ids. */
export function toChunkRows(
  docId: string,
  chunks: readonly ChunkInput[],
  dims: number,
  embeddingModel: string | null,
  collections: readonly string[] = [],
): ChunkRow[] {
  const seen = new Set<number>();
  return chunks.map((c) => {
    if (!Number.isInteger(c.ordinal) || c.ordinal < 0 || seen.has(c.ordinal)) {
      throw new QuireError(
        'invalid_argument',
        `Chunk ordinal ${c.ordinal} is invalid or repeated.`,
      );
    }
    seen.add(c.ordinal);
    const vector = c.vector ?? null;
    if (vector) {
      checkVector(vector, dims, `chunk ${c.ordinal}`);
      if (!embeddingModel) {
        throw new QuireError('invalid_argument', 'Chunks with vectors need an embedding model id.');
      }
    }
    return {
      id: chunkId(docId, c.ordinal),
      docId,
      ordinal: c.ordinal,
      text: c.text,
      pageStart: c.pageStart,
      pageEnd: c.pageEnd,
      charStart: c.charStart,
      charEnd: c.charEnd,
      headingPath: [...c.headingPath],
      tokens: c.tokens,
      ...(c.ftsText !== undefined ? { ftsText: c.ftsText } : {}),
      vector,
      embeddingModel: vector ? embeddingModel : null,
      collections: [...collections],
    };
  });
}

/** Splits either one flat buffer (as workers transfer them) or one array per chunk. */
export function splitVectors(
  vectors: readonly Float32Array[] | Float32Array,
  count: number,
  dims: number,
): Float32Array[] {
  if (vectors instanceof Float32Array) {
    if (vectors.length !== count * dims) {
      throw new QuireError('invalid_argument', `Expected ${count} vectors of ${dims} dims.`);
    }
    return Array.from({ length: count }, (_, i) => vectors.subarray(i * dims, (i + 1) * dims));
  }
  if (vectors.length !== count) {
    throw new QuireError('invalid_argument', `Expected ${count} vectors, got ${vectors.length}.`);
  }
  vectors.forEach((v, i) => checkVector(v, dims, `vector ${i}`));
  return [...vectors];
}

/** Pending chunks get a zero vector: the column is not nullable, and has_vector=false hides it. */
export function chunkArrowTable(
  schema: ArrowSchema,
  rows: readonly ChunkRow[],
  dims: number,
): ArrowTable {
  const flat = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => {
    if (r.vector) flat.set(r.vector, i * dims);
  });
  return buildArrowTable(
    schema,
    {
      id: rows.map((r) => r.id),
      doc_id: rows.map((r) => r.docId),
      ordinal: rows.map((r) => r.ordinal),
      text: rows.map((r) => r.text),
      fts_text: rows.map((r) => r.ftsText ?? searchText(r.text, detectLanguage(r.text))),
      page_start: rows.map((r) => r.pageStart),
      page_end: rows.map((r) => r.pageEnd),
      char_start: rows.map((r) => r.charStart),
      char_end: rows.map((r) => r.charEnd),
      heading_path: rows.map((r) => JSON.stringify(r.headingPath)),
      tokens: rows.map((r) => r.tokens),
      embedding_model: rows.map((r) => r.embeddingModel),
      has_vector: rows.map((r) => r.vector !== null),
      vector: flat,
      collections: rows.map((r) => r.collections),
    },
    rows.length,
  );
}
