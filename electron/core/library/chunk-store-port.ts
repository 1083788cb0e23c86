import type { IndexedChunk } from '../indexing/worker-protocol';

export type DocumentChunks = {
  documentId: string;
  documentName: string;
  documentPath: string;
  chunks: IndexedChunk[];
  /** Flat [chunks, dims]; null while no embedding model is available. */
  vectors: Float32Array | null;
  embeddingModel: string | null;
  /** The document's collections, read when the write commits (membership may change meanwhile). */
  collections?: () => readonly string[];
};

/** New vectors for a document's stored chunks, in ordinal order. */
export type DocumentVectors = {
  documentId: string;
  embeddingModel: string;
  chunks: number;
  /** Flat [chunks, dims]. */
  vectors: Float32Array;
};

/** What the library needs from the chunk store (LanceDB in the app). */
export interface ChunkStorePort {
  /** One commit for the whole batch: each document's chunks appear (or are replaced) all at once. */
  writeDocuments(batch: DocumentChunks[]): Promise<void>;
  /** One commit for the whole batch, as writeDocuments. */
  setVectors(batch: DocumentVectors[]): Promise<void>;
  deleteDocument(documentId: string): Promise<void>;
  /** Sets the collections on these documents' chunk rows, in the writer's order; no re-embedding. */
  setCollections(memberships: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /** The collections each stored document's rows carry. */
  collectionsByDocument(): Promise<Map<string, string[]>>;
  /** Chunk texts in ordinal order, for embedding later. */
  chunkTexts(documentId: string): Promise<string[]>;
  countChunks(documentId?: string): Promise<number>;
  /** Compacts after bursts of writes, so fragments stay bounded. */
  maybeOptimize(force?: boolean): Promise<void>;
  fragments(): Promise<number>;
  /** Reads every table end to end; a table that fails is damaged. */
  checkHealth(): Promise<{ table: string; ok: boolean; error: string | null }[]>;
  /** Drops the tables and creates them empty (after damage); documents must be indexed again. */
  rebuild(): Promise<void>;
  close(): Promise<void>;
}
