import type { IndexStage } from '../../../shared/documents';
import type { QuireErrorShape } from '../../../shared/errors';
import type { EmbeddingDtype } from '../../../shared/settings';
import type { Chunk } from '../../../shared/chunks';
import type { EntailmentPair } from '../checking/entailment-model';
import type { ParseWarning } from '../parsers';

/** Settings every indexing worker is started with (workerData). */
export type IndexingWorkerConfig = {
  embeddingModel: string;
  /** transformers.js localModelPath; null means "no model folder known". */
  modelDir: string | null;
  backend: 'native' | 'wasm';
  /** The embedding model's weights: 'auto' (when absent) is q8 if its folder has it, else fp32. */
  dtype?: EmbeddingDtype;
  threads: number;
  batchSize: number;
  maxTokens: number;
  overlapTokens: number;
  maxBytes: number;
  /** OCR for scanned pages and images; `cacheDir` keeps each document's word boxes for the viewer. */
  ocr?: { enabled: boolean; cacheDir: string | null };
};

export type IndexRequest = { type: 'index'; documentId: string; path: string; password?: string };
export type EmbedRequest = {
  type: 'embed';
  documentId: string | null;
  texts: string[];
  urgent?: boolean;
  /** Queries and passages get different prefixes with some models (E5); default passage. */
  role?: 'query' | 'passage';
  /** Another model than the worker's own: a model switch embeds with its target. */
  model?: { id: string; dir: string };
};
/** Scores (query, passage) pairs with a cross-encoder from `modelDir/modelId`. */
export type RerankRequest = {
  type: 'rerank';
  modelId: string;
  modelDir: string;
  query: string;
  passages: string[];
};
/** Reads each (premise, hypothesis) pair with the NLI cross-encoder at `modelDir/modelId`. */
export type EntailRequest = {
  type: 'entail';
  modelId: string;
  modelDir: string;
  pairs: EntailmentPair[];
};
export type WorkerRequest = IndexRequest | EmbedRequest | RerankRequest | EntailRequest;

export type IndexedChunk = Chunk & {
  /** The words the full-text index reads, in the document's language. */
  ftsText?: string;
};

export type IndexResponse = {
  type: 'indexed';
  kind: string;
  pages: number | null;
  title: string | null;
  chunks: IndexedChunk[];
  /** Flat [chunks, dims], or null when no embedding model could be loaded. */
  vectors: Float32Array | null;
  dims: number;
  embeddingModel: string | null;
  /** Why vectors are missing, for the log and the UI. */
  vectorsError: QuireErrorShape | null;
  warnings: ParseWarning[];
  tokens: number;
  /** The document's main language, detected from its text. */
  language?: string;
  /** Pages whose text came from OCR; 0 stands for an image read whole. */
  ocrPages?: number[];
  /** SHA-256 (hex) of the file's bytes as parsed. */
  contentHash?: string;
};
export type EmbedResponse = {
  type: 'embedded';
  vectors: Float32Array;
  dims: number;
  embeddingModel: string;
};
export type RerankResponse = { type: 'reranked'; scores: Float32Array; modelId: string };
export type EntailResponse = {
  type: 'entailed';
  /** Three per pair, in ENTAILMENT_ORDER: entailment, neutral, contradiction. */
  probabilities: Float32Array;
  modelId: string;
};
export type WorkerResponse = IndexResponse | EmbedResponse | RerankResponse | EntailResponse;
/** The response each request type gets, so callers need no casts. */
type ResponseByRequest = {
  index: IndexResponse;
  embed: EmbedResponse;
  rerank: RerankResponse;
  entail: EntailResponse;
};
export type ResponseTo<R extends WorkerRequest> = ResponseByRequest[R['type']];

export type WorkerProgress = { stage: IndexStage; done: number; total: number; label?: string };

/** Messages are `{seq, request}` in; `response`, `progress` or `log` out. */
export type ToWorker = { seq: number; request: WorkerRequest } | { seq: number; cancel: true };
export type FromWorker =
  | { seq: number; kind: 'response'; ok: true; response: WorkerResponse }
  | { seq: number; kind: 'response'; ok: false; error: QuireErrorShape }
  | { seq: number; kind: 'progress'; progress: WorkerProgress }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { kind: 'ready' };
