// Cross-encoder reranking with transformers.js: the query and each passage are read together.
import { join } from 'node:path';
import type { RerankerStatus } from '../../../shared/contract/settings';
import { QuireError } from '../../../shared/errors';
import { DEFAULT_RERANKER_MODEL } from '../../../shared/settings';
import {
  MODEL_FILES,
  assertModelId,
  findLocalModel,
  localModelDtype,
  type ModelDtype,
} from '../embedding/model-location';
import {
  loadSequenceClassifier,
  type Classifier,
  type PairTokenizer,
} from '../embedding/sequence-classifier';
import { loadModelExclusively, type EmbeddingBackend } from '../embedding/transformers-runtime';

export { DEFAULT_RERANKER_MODEL };

export type RerankerOptions = {
  modelId?: string;
  /** The folder holding `<modelId>/onnx/model.onnx` (see model-location.ts). */
  localModelPath: string;
  backend: EmbeddingBackend;
  threads?: number;
  /** Pairs per inference call. */
  batchSize?: number;
  dtype?: ModelDtype;
  /** Longest pair in tokens; a longer passage loses its tail. */
  maxSequenceLength?: number;
  wasmDir?: string;
};

export type Reranker = {
  readonly modelId: string;
  /** One relevance score per passage, in the passages' order; higher is more relevant. */
  score(query: string, passages: readonly string[]): Promise<Float32Array>;
  dispose(): Promise<void>;
};

// Chunks are about 256 word-pieces; the query and three specials ride on top.
const DEFAULT_MAX_SEQUENCE_LENGTH = 320;
const DEFAULT_BATCH_SIZE = 8;

export function createReranker(options: RerankerOptions): Promise<Reranker> {
  return loadModelExclusively(() => load(options));
}

async function load(options: RerankerOptions): Promise<Reranker> {
  const { localModelPath, backend } = options;
  const modelId = options.modelId ?? DEFAULT_RERANKER_MODEL;
  assertModelId(modelId);
  const dtype = options.dtype ?? localModelDtype(modelId, localModelPath);
  if (dtype === null) throw rerankerUnavailable(modelId, localModelPath);
  const threads = options.threads ?? 1;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);

  const { tokenizer, model, serial, dispose } = await loadSequenceClassifier<PairTokenizer>({
    modelId,
    localModelPath,
    backend,
    dtype,
    threads,
    wasmDir: options.wasmDir,
    maxSequenceLength: options.maxSequenceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
    unavailable: (cause) => rerankerUnavailable(modelId, localModelPath, cause),
    closedMessage: 'The reranker was closed.',
  });

  return {
    modelId,
    score: (query, passages) =>
      serial(() => scoreBatches(tokenizer, model, query, passages, batchSize)),
    dispose,
  };
}

/** Batches passages of similar length together (padding is wasted work) and keeps their order. */
async function scoreBatches(
  tokenizer: PairTokenizer,
  model: Classifier,
  query: string,
  passages: readonly string[],
  batchSize: number,
): Promise<Float32Array> {
  const scores = new Float32Array(passages.length);
  const order = passages.map((_, i) => i).sort((a, b) => passages[b]!.length - passages[a]!.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const inputs = tokenizer(
      rows.map(() => query),
      { text_pair: rows.map((i) => passages[i]!), padding: true, truncation: true },
    );
    const { logits } = await model(inputs);
    if (!logits) throw new QuireError('internal', 'The reranker model gave no logits.');
    // One label (ms-marco) is the relevance logit; with two, the last one is "relevant".
    const labels = logits.dims[1] ?? 1;
    rows.forEach((row, r) => {
      scores[row] = Number(logits.data[r * labels + labels - 1]);
    });
    for (const tensor of [logits, ...Object.values(inputs)]) tensor.dispose?.();
  }
  return scores;
}

/** Indices of `scores`, best first; ties keep the earlier (better fused) position. */
export function rerankOrder(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  );
}

function rerankerUnavailable(modelId: string, dir: string, cause?: unknown): QuireError {
  const where = join(dir, modelId);
  const message =
    cause === undefined
      ? `Reranker model not found at ${where}; reranking is off.`
      : `The reranker model at ${where} could not be loaded; reranking is off.`;
  return new QuireError('model_unavailable', message, cause === undefined ? {} : { cause });
}

/**
 * Whether reranking can run: switched on, and the model's files are in one of the model folders.
 * Cheap (a few file checks), so it is asked afresh each time: a model copied in later just works.
 */
export function rerankerStatus(options: {
  enabled: boolean;
  modelId: string;
  searchDirs: readonly string[];
  /** A load failure seen earlier for this model (its files exist but do not work). */
  loadError?: string | null;
}): RerankerStatus {
  const { enabled, modelId, searchDirs } = options;
  let found: string | null = null;
  try {
    found = findLocalModel(modelId, searchDirs);
  } catch {
    // An invalid model id is simply not available.
  }
  const modelPath = found
    ? join(found, modelId)
    : searchDirs[0]
      ? join(searchDirs[0], modelId)
      : null;
  const available = found !== null && !options.loadError;
  // The notice is there whenever reranking could not run, so that the toggle can show it as
  // soon as it is switched on, before the settings are saved.
  let notice: string | null = null;
  if (!found)
    notice = modelPath
      ? `Reranker model not found at ${join(modelPath, MODEL_FILES.fp32)}; reranking is off.`
      : `Reranker model "${modelId}" not found (no model folder is configured); reranking is off.`;
  else if (options.loadError) notice = options.loadError;
  return { enabled, available, active: enabled && available, modelId, modelPath, notice };
}
