// Text embeddings with transformers.js: tokenizer, ONNX session, mean or [CLS] pooling, L2 normalization.
import { findEmbeddingModel } from '../../../shared/embedding-catalog';
import { QuireError } from '../../../shared/errors';
import type { EmbeddingDtype } from '../../../shared/settings';
import { clsPoolNormalize } from './cls-pool';
import {
  DEFAULT_EMBEDDING_MODEL,
  assertModelId,
  chooseModelDtype,
  downloadDtype,
  modelUnavailable,
  type ModelDtype,
} from './model-location';
import { meanPoolNormalize } from './mean-pool';
import {
  loadModelExclusively,
  loadTransformers,
  type EmbeddingBackend,
  type Transformers,
} from './transformers-runtime';

export type { EmbeddingBackend } from './transformers-runtime';

export type EmbedderOptions = {
  modelId?: string;
  /** The folder holding `<modelId>/onnx/model.onnx` (see model-location.ts). */
  localModelPath: string;
  backend: EmbeddingBackend;
  /** Intra-op threads for one inference. Default 1: the indexing pool runs one embedder per core. */
  threads?: number;
  /** Texts per inference call. */
  batchSize?: number;
  /** Download from the Hugging Face hub when the model is not on disk. Off: Quire is local-first. */
  allowRemote?: boolean;
  /**
   * Which weights to load. 'auto' (the default) takes the int8 file when the folder has it, else
   * fp32; a folder with one file uses that one (model-location.ts, chooseModelDtype).
   */
  dtype?: EmbeddingDtype;
  /** Longest input in tokens, [CLS] and [SEP] included; longer texts are truncated. */
  maxSequenceLength?: number;
  /** onnxruntime-web's dist folder, for packaged apps that unpack it elsewhere. */
  wasmDir?: string;
  /** How token vectors become one; by default what the catalogue says for the model, else mean. */
  pooling?: Pooling;
};

export type Pooling = 'mean' | 'cls';

export type Embedder = {
  readonly modelId: string;
  readonly dims: number;
  readonly backend: EmbeddingBackend;
  /** The weights loaded: fp32 (`onnx/model.onnx`) or q8 (`onnx/model_quantized.onnx`). */
  readonly dtype: ModelDtype;
  /** Content tokens (specials excluded) that fit in one input; countTokens is on the same scale. */
  readonly maxTokens: number;
  /** Flat row-major [texts.length, dims], pooled (mean or [CLS]) and L2-normalized. */
  embed(texts: string[]): Promise<Float32Array>;
  /** Word-pieces in `text`, without [CLS]/[SEP]. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
};

// all-MiniLM-L6-v2 was trained on 256-token inputs (sentence-transformers' max_seq_length).
const DEFAULT_MAX_SEQUENCE_LENGTH = 256;
export const DEFAULT_BATCH_SIZE = 8;
export const DEFAULT_THREADS = 1;

type TensorLike = { dims: number[]; data: ArrayLike<number | bigint>; dispose?: () => void };
type Tokenizer = {
  (texts: string[], options: { padding: boolean; truncation: boolean }): Record<string, TensorLike>;
  model_max_length: number;
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
};
type FeaturePipeline = {
  tokenizer: Tokenizer;
  model: (inputs: Record<string, TensorLike>) => Promise<Record<string, TensorLike | undefined>>;
  dispose(): Promise<void>;
};

export function createEmbedder(options: EmbedderOptions): Promise<Embedder> {
  return loadModelExclusively(() => load(options));
}

async function load(options: EmbedderOptions): Promise<Embedder> {
  const { localModelPath, backend, allowRemote = false } = options;
  const modelId = options.modelId ?? DEFAULT_EMBEDDING_MODEL;
  const threads = positiveInt(options.threads ?? DEFAULT_THREADS, 'threads');
  const batchSize = positiveInt(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
  const pooling = options.pooling ?? findEmbeddingModel(modelId)?.pooling.mode ?? 'mean';
  assertModelId(modelId);
  const preference = options.dtype ?? 'auto';
  const dtype =
    chooseModelDtype(preference, modelId, localModelPath) ??
    (allowRemote ? downloadDtype(preference) : null);
  if (dtype === null) throw modelUnavailable(modelId, [localModelPath]);

  const transformers = await loadTransformers(backend, {
    wasmThreads: threads,
    wasmDir: options.wasmDir,
  });
  configureEnv(transformers, localModelPath, allowRemote, backend);
  let pipe: FeaturePipeline;
  try {
    pipe = (await transformers.pipeline('feature-extraction', modelId, {
      dtype,
      // With onnxruntime-web installed as the runtime, transformers.js lists no devices: 'cpu'
      // throws, and 'auto' lets onnxruntime-web pick its WASM backend.
      device: backend === 'native' ? 'cpu' : 'auto',
      local_files_only: !allowRemote,
      // Errors only: onnxruntime's warnings (e.g. unused initializers) would spam stderr.
      session_options:
        backend === 'native'
          ? { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }
          : {},
    })) as unknown as FeaturePipeline;
  } catch (error) {
    throw modelUnavailable(modelId, [localModelPath], error);
  }
  const maxLength = Math.min(
    pipe.tokenizer.model_max_length ?? Infinity,
    options.maxSequenceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
  );
  pipe.tokenizer.model_max_length = maxLength;

  // One call at a time: onnxruntime-web cannot run a session twice at once, and parallel native
  // runs would only fight over the same threads.
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(() => {
      if (disposed) throw new QuireError('cancelled', 'The embedder was closed.');
      return work();
    });
    queue = next.catch(() => undefined);
    return next;
  };

  let dims = 0;
  const embed = (texts: string[]): Promise<Float32Array> =>
    serial(() => embedBatches(pipe, texts, { batchSize, pooling }, dims));
  // A first run proves the model works and tells its width.
  try {
    const probe = await embed(['Quire']);
    dims = probe.length;
    if (dims === 0 || !probe.every(Number.isFinite))
      throw new Error('the model produced no usable vector');
  } catch (error) {
    await pipe.dispose().catch(() => undefined);
    throw modelUnavailable(modelId, [localModelPath], error);
  }

  return {
    modelId,
    dims,
    backend,
    dtype,
    maxTokens: maxLength - 2,
    embed,
    countTokens: (text) => pipe.tokenizer.encode(text, { add_special_tokens: false }).length,
    dispose: () =>
      serial(async () => {
        disposed = true;
        await pipe.dispose();
      }),
  };
}

/**
 * Sorts texts by length so each batch pads to a similar length (padding is pure waste), runs the
 * batches, and writes each vector back at its text's original position. Tokenizer and model are
 * called as the feature-extraction pipeline calls them; only the pooling is our own.
 */
async function embedBatches(
  pipe: FeaturePipeline,
  texts: string[],
  { batchSize, pooling }: { batchSize: number; pooling: Pooling },
  knownDims: number,
): Promise<Float32Array> {
  if (texts.length === 0) return new Float32Array(0);
  const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length);
  let dims = knownDims;
  let out = new Float32Array(texts.length * dims);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const inputs = pipe.tokenizer(
      rows.map((i) => texts[i]!),
      { padding: true, truncation: true },
    );
    const outputs = await pipe.model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    const mask = inputs.attention_mask;
    if (!hidden || !mask) throw new Error('the model gave no token embeddings');
    const [batch = 0, seq = 0, width = 0] = hidden.dims;
    if (dims === 0) {
      dims = width;
      out = new Float32Array(texts.length * dims);
    }
    if (pooling === 'cls')
      clsPoolNormalize(hidden.data as Float32Array, { batch, seq, dims }, out, rows);
    else meanPoolNormalize(hidden.data as Float32Array, mask.data, { batch, seq, dims }, out, rows);
    for (const tensor of [hidden, ...Object.values(inputs)]) tensor.dispose?.();
  }
  return out;
}

function configureEnv(
  transformers: Transformers,
  localModelPath: string,
  allowRemote: boolean,
  backend: EmbeddingBackend,
): void {
  const { env } = transformers;
  env.localModelPath = localModelPath;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemote;
  if (backend === 'native') {
    // Downloads (when allowed) land beside local models: <localModelPath>/<modelId>/...
    env.useFSCache = true;
    env.cacheDir = localModelPath;
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new QuireError('invalid_argument', `${name} must be a whole number of at least 1.`);
  return value;
}
