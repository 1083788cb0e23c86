import { beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddingBackend } from './embedder';
import {
  BOW,
  DOC_A,
  DOC_B,
  QUERY,
  cosine,
  rowNorms,
  startTsWorker,
  testModels,
} from '../../../test/helpers/embedding-fixtures';

type Reply = { dims: number; backend: EmbeddingBackend; vectors: Float32Array };

/** Runs test/helpers/embed-worker.ts in a real worker thread. */
function embedInWorker(
  backend: EmbeddingBackend,
  localModelPath: string,
  texts: string[],
): Promise<Reply & { detached: boolean }> {
  const worker = startTsWorker(new URL('../../../test/helpers/embed-worker.ts', import.meta.url), {
    workerData: { backend, localModelPath, modelId: BOW, texts },
  });
  return new Promise((resolve, reject) => {
    let reply: Reply | undefined;
    let detached = false;
    worker.on('message', (message: Reply | { detachedAfterTransfer: boolean }) => {
      if ('vectors' in message) reply = message;
      else detached = message.detachedAfterTransfer;
    });
    worker.on('error', reject);
    // The worker must also wind down by itself once its embedder is disposed.
    worker.on('exit', (code) =>
      reply && code === 0
        ? resolve({ ...reply, detached })
        : reject(new Error(`worker exited with code ${code}`)),
    );
  });
}

describe('the embedder inside worker_threads', () => {
  let modelsDir = '';
  beforeAll(async () => {
    ({ modelsDir } = await testModels());
  });

  // One worker per backend, side by side: each thread binds its own ONNX runtime.
  it('runs both backends in parallel workers and transfers the vectors back', async () => {
    const texts = [DOC_A, DOC_B, QUERY];
    const [native, wasm] = await Promise.all([
      embedInWorker('native', modelsDir, texts),
      embedInWorker('wasm', modelsDir, texts),
    ]);
    for (const reply of [native, wasm]) {
      expect(reply.vectors).toBeInstanceOf(Float32Array);
      expect(reply.vectors.length).toBe(3 * reply.dims);
      expect(reply.detached).toBe(true);
      for (const norm of rowNorms(reply.vectors, reply.dims)) expect(norm).toBeCloseTo(1, 4);
      expect(cosine(reply.vectors, reply.dims, 2, 0)).toBeGreaterThan(
        cosine(reply.vectors, reply.dims, 2, 1),
      );
    }
    expect([native.backend, wasm.backend]).toEqual(['native', 'wasm']);
    // Same model, same maths: the two runtimes agree.
    for (let i = 0; i < native.vectors.length; i++)
      expect(wasm.vectors[i]).toBeCloseTo(native.vectors[i]!, 4);
  });
});
