// A speed measured on this machine: what `quire models speed` and Settings' Measure keep.
import { z } from 'zod';

/** One measurement of an embedding model on this machine (`quire models speed`, Settings). */
export const EmbeddingSpeedSchema = z.object({
  modelId: z.string(),
  /** Epoch ms. */
  measuredAt: z.number(),
  backend: z.enum(['native', 'wasm']),
  /** The weights that ran: fp32 (`onnx/model.onnx`) or q8 (`onnx/model_quantized.onnx`). */
  dtype: z.enum(['fp32', 'q8']),
  /** ONNX threads, as one indexing worker has them. */
  threads: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  /** The built-in sample: how many passages, and their word-pieces as the model's tokenizer counts. */
  passages: z.number().int().positive(),
  tokens: z.number().int().nonnegative(),
  /** Embedding the sample, after the model was loaded and warmed up. */
  seconds: z.number().positive(),
  passagesPerSecond: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  /** Loading the model, before the sample. */
  loadSeconds: z.number().nonnegative(),
});
export type EmbeddingSpeed = z.infer<typeof EmbeddingSpeedSchema>;

/** "41 passages/s (6,020 tokens/s), native q8, 2 threads" */
export function describeSpeed(speed: EmbeddingSpeed): string {
  const rate = (n: number) => (n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  const threads = `${speed.threads} thread${speed.threads === 1 ? '' : 's'}`;
  return (
    `${rate(speed.passagesPerSecond)} passages/s (${rate(speed.tokensPerSecond)} tokens/s), ` +
    `${speed.backend} ${speed.dtype}, ${threads}`
  );
}
