import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddingDtype } from '../../../shared/settings';
import { createEmbedder } from '../embedding/embedder';
import type { ModelDtype } from '../embedding/model-location';
import { BOW_MODEL_ID, DOC_A, QUERY, testModels } from '../../../test/helpers/embedding-fixtures';
import { WorkerPool } from './worker-pool';

let modelsDir = '';
const pools: WorkerPool[] = [];
beforeAll(async () => {
  ({ modelsDir } = await testModels());
});
afterAll(() => Promise.all(pools.map((p) => p.close())));

function pool(dtype: EmbeddingDtype | undefined): WorkerPool {
  const created = new WorkerPool({
    size: 1,
    config: {
      embeddingModel: BOW_MODEL_ID,
      modelDir: modelsDir,
      backend: 'native',
      ...(dtype ? { dtype } : {}),
      threads: 1,
      batchSize: 8,
      maxTokens: 256,
      overlapTokens: 32,
      maxBytes: 1_000_000,
    },
  });
  pools.push(created);
  return created;
}

async function inThisThread(dtype: ModelDtype, texts: string[]): Promise<number[]> {
  const embedder = await createEmbedder({
    modelId: BOW_MODEL_ID,
    localModelPath: modelsDir,
    backend: 'native',
    dtype,
  });
  try {
    return Array.from(await embedder.embed(texts));
  } finally {
    await embedder.dispose();
  }
}

it("the workers embed with the weights their config names: int8 under 'auto' (or none), fp32 when asked", async () => {
  const texts = [DOC_A, QUERY];
  const embed = async (dtype: EmbeddingDtype | undefined) =>
    Array.from((await pool(dtype).run({ type: 'embed', documentId: null, texts }).promise).vectors);
  const [fp32, auto, absent] = await Promise.all([embed('fp32'), embed('auto'), embed(undefined)]);
  const [expectedFp32, expectedQ8] = [
    await inThisThread('fp32', texts),
    await inThisThread('q8', texts),
  ];
  const close = (actual: number[], expected: number[]) =>
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  close(fp32, expectedFp32);
  close(auto, expectedQ8);
  close(absent, expectedQ8);
  expect(fp32).not.toEqual(auto);
});
