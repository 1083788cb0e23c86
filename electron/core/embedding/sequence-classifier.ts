// A cross-encoder (tokenizer + sequence-classification model) loaded from local files only, run one
// inference at a time: what the reranker and the entailment model both are.
import { QuireError } from '../../../shared/errors';
import type { ModelDtype } from './model-location';
import { loadTransformers, type EmbeddingBackend } from './transformers-runtime';

export type TensorLike = { dims: number[]; data: ArrayLike<number | bigint>; dispose?: () => void };

/** The pair tokenizer, as transformers.js gives it; callers widen it with what else they use. */
export type PairTokenizer = {
  (
    texts: string[],
    options: { text_pair: string[]; padding: boolean; truncation: boolean },
  ): Record<string, TensorLike>;
  model_max_length: number;
};

export type Classifier = {
  (inputs: Record<string, TensorLike>): Promise<{ logits?: TensorLike }>;
  dispose(): Promise<unknown>;
};

export type LoadedClassifier<T extends PairTokenizer> = {
  tokenizer: T;
  model: Classifier;
  /** Runs work after every earlier call: parallel runs only fight over the same threads. */
  serial<R>(work: () => Promise<R>): Promise<R>;
  dispose(): Promise<void>;
};

export async function loadSequenceClassifier<T extends PairTokenizer>(options: {
  modelId: string;
  localModelPath: string;
  backend: EmbeddingBackend;
  dtype: ModelDtype;
  threads: number;
  wasmDir?: string;
  /** Longest pair in tokens; the tokenizer truncates past it. */
  maxSequenceLength: number;
  /** The error to throw when the files are there but do not load. */
  unavailable: (cause: unknown) => Error;
  /** What a call after dispose is told. */
  closedMessage: string;
}): Promise<LoadedClassifier<T>> {
  const { modelId, backend, threads } = options;
  const transformers = await loadTransformers(backend, {
    wasmThreads: threads,
    wasmDir: options.wasmDir,
  });
  const { env } = transformers;
  env.localModelPath = options.localModelPath;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  let tokenizer: T;
  let model: Classifier;
  try {
    tokenizer = (await transformers.AutoTokenizer.from_pretrained(modelId, {
      local_files_only: true,
    })) as unknown as T;
    model = (await transformers.AutoModelForSequenceClassification.from_pretrained(modelId, {
      dtype: options.dtype,
      device: backend === 'native' ? 'cpu' : 'auto',
      local_files_only: true,
      session_options:
        backend === 'native'
          ? { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }
          : {},
    })) as unknown as Classifier;
  } catch (error) {
    throw options.unavailable(error);
  }
  tokenizer.model_max_length = Math.min(
    tokenizer.model_max_length ?? Infinity,
    options.maxSequenceLength,
  );

  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const serial = <R>(work: () => Promise<R>): Promise<R> => {
    const next = queue.then(() => {
      if (disposed) throw new QuireError('cancelled', options.closedMessage);
      return work();
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    tokenizer,
    model,
    serial,
    dispose: () =>
      serial(async () => {
        disposed = true;
        await model.dispose();
      }),
  };
}
