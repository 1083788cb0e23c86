// Our embedder (transformers.js) on the same SciFact texts as bench/raw-ort.ts, for the ratio.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEmbedder, type EmbeddingBackend } from '../electron/core/embedding/embedder';
import type { ModelDtype } from '../electron/core/embedding/model-location';
import { MINILM_SHAPE_MODEL_ID, makeTestModels } from '../scripts/make-test-models';
import { BENCH_MODELS_DIR, MAX_SEQUENCE_LENGTH, scifactAbstracts, timeBest } from './raw-ort-texts';

export type EmbedderBenchOptions = {
  backend: EmbeddingBackend;
  batchSize?: number;
  threads?: number;
  docs?: number;
  /** Timed passes; the best one counts, as in rawOrtTokensPerSec. */
  passes?: number;
  /** minilm-shape's weights, as in rawOrtTokensPerSec: fp32 by default. */
  dtype?: ModelDtype;
};
export type EmbedderBenchResult = {
  backend: EmbeddingBackend;
  dtype: ModelDtype;
  /** Batches fed in corpus order, one embed() call each: the same padding as the raw bench. */
  tokensPerSec: number;
  /** The same per CPU-second of this process (see timeBest). */
  tokensPerCpuSec: number;
  /** All texts in one embed() call, which sorts them by length first so batches pad less. */
  sortedTokensPerSec: number;
  batchSize: number;
  threads: number;
  docs: number;
  realTokens: number;
};

/** Runs in this thread, so a thread (or process) can only measure one backend. */
export async function embedderTokensPerSec(
  options: EmbedderBenchOptions,
): Promise<EmbedderBenchResult> {
  const { backend, batchSize = 8, docs = 256, dtype = 'fp32' } = options;
  const threads = options.threads ?? availableParallelism();
  const { modelsDir } = await makeTestModels(BENCH_MODELS_DIR);
  const texts = await scifactAbstracts(docs);
  const embedder = await createEmbedder({
    modelId: MINILM_SHAPE_MODEL_ID,
    localModelPath: modelsDir,
    backend,
    batchSize,
    threads,
    dtype,
  });
  try {
    const tokens = texts.reduce(
      (sum, t) => sum + Math.min(embedder.countTokens(t) + 2, MAX_SEQUENCE_LENGTH),
      0,
    );
    await embedder.embed(texts.slice(0, batchSize * 2)); // warm-up, untimed

    const inOrder = await timeBest(options.passes ?? 1, async () => {
      for (let start = 0; start < texts.length; start += batchSize)
        await embedder.embed(texts.slice(start, start + batchSize));
    });
    const sorted = await timeBest(options.passes ?? 1, () => embedder.embed(texts));
    return {
      backend,
      dtype: embedder.dtype,
      tokensPerSec: Math.round(tokens / inOrder.wallSeconds),
      tokensPerCpuSec: Math.round(tokens / inOrder.cpuSeconds),
      sortedTokensPerSec: Math.round(tokens / sorted.wallSeconds),
      batchSize,
      threads,
      docs: texts.length,
      realTokens: tokens,
    };
  } finally {
    await embedder.dispose();
  }
}

/** The WASM embedder in a child process, since this process has bound the native runtime. */
export async function wasmEmbedderTokensPerSec(
  options: Omit<EmbedderBenchOptions, 'backend'>,
): Promise<EmbedderBenchResult> {
  const script = fileURLToPath(new URL('./raw-ort.ts', import.meta.url));
  const args = ['--import', 'tsx', script, '--mode', 'wasm-embedder'];
  if (options.batchSize) args.push('--batch', String(options.batchSize));
  if (options.threads) args.push('--threads', String(options.threads));
  if (options.docs) args.push('--docs', String(options.docs));
  if (options.passes) args.push('--passes', String(options.passes));
  if (options.dtype) args.push('--dtype', options.dtype);
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as EmbedderBenchResult;
}
