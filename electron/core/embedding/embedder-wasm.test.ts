import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, type Embedder } from './embedder';
import {
  expectBatchingKeepsOrder,
  expectRetrievalBehaviour,
} from '../../../test/helpers/embedding-checks';
import { BOW, testModels } from '../../../test/helpers/embedding-fixtures';

describe('createEmbedder (WASM backend, in this thread)', () => {
  let modelsDir = '';
  let embedder: Embedder;

  beforeAll(async () => {
    ({ modelsDir } = await testModels());
    embedder = await createEmbedder({
      modelId: BOW,
      localModelPath: modelsDir,
      backend: 'wasm',
      batchSize: 4,
    });
  });
  afterAll(() => embedder?.dispose());

  it('embeds through the real pipeline: unit vectors, and shared words rank closer', async () => {
    expect(embedder.backend).toBe('wasm');
    await expectRetrievalBehaviour(embedder);
  });

  it('keeps each vector at its text position across sorted batches', async () => {
    await expectBatchingKeepsOrder(embedder);
  });

  it.runIf(process.platform === 'linux')('never loads the native onnxruntime library', () => {
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toMatch(
      /libonnxruntime|onnxruntime_binding/,
    );
  });

  it('refuses a second, different backend in the same thread', async () => {
    const attempt = createEmbedder({ modelId: BOW, localModelPath: modelsDir, backend: 'native' });
    await expect(attempt).rejects.toThrow(/already runs the wasm embedding backend/);
  });
});
