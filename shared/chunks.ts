/** Where a passage sits in its document: what a citation points at. */
export type ChunkPosition = {
  /** 1-based pages the passage spans (PDF); null for kinds without pages. */
  pageStart: number | null;
  pageEnd: number | null;
  /** Offsets in the page text (PDF) or the document text (other kinds), like ParsedSection.charStart. */
  charStart: number;
  charEnd: number;
  headingPath: string[];
};

/**
 * One chunk as the chunker cuts it: the one shape that the worker protocol, the store and
 * retrieval extend (IndexedChunk, ChunkInput, StoredChunk, SearchHit).
 */
export type Chunk = ChunkPosition & {
  /** 0-based position of the chunk in its document. */
  ordinal: number;
  text: string;
  /**
   * Exact `counter.count(text)`, special tokens included; never above maxTokens, except for a
   * one-character chunk whose character alone costs more (only with budgets of a few tokens).
   */
  tokens: number;
};
