import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQuireError } from '../../../shared/errors';
import { createEmbedder, type Embedder } from './embedder';
import {
  expectBatchingKeepsOrder,
  expectRetrievalBehaviour,
} from '../../../test/helpers/embedding-checks';
import {
  BOW,
  cosine,
  DOC_A,
  DOC_B,
  MINILM_SHAPE_MODEL_ID,
  QUERY,
  rowNorms,
  testModels,
} from '../../../test/helpers/embedding-fixtures';
import type { ModelDtype } from './model-location';

describe('createEmbedder (native backend, in this thread)', () => {
  let modelsDir = '';
  let embedder: Embedder;

  beforeAll(async () => {
    ({ modelsDir } = await testModels());
    embedder = await createEmbedder({
      modelId: BOW,
      localModelPath: modelsDir,
      backend: 'native',
      batchSize: 4,
    });
  });
  afterAll(() => embedder?.dispose());

  it('embeds through the real pipeline: unit vectors, and shared words rank closer', async () => {
    expect(embedder.backend).toBe('native');
    expect(embedder.modelId).toBe(BOW);
    await expectRetrievalBehaviour(embedder);
  });

  it("matches transformers.js's own mean pooling and normalization", async () => {
    const { pipeline } = await import('@huggingface/transformers');
    const texts = [DOC_A, DOC_B, QUERY, 'short'];
    const reference = await pipeline('feature-extraction', BOW, {
      dtype: embedder.dtype,
      local_files_only: true,
    });
    const expected = (await reference(texts, { pooling: 'mean', normalize: true }))
      .data as Float32Array;
    const actual = await embedder.embed(texts);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
    await reference.dispose();
  });

  it("pools [CLS] when asked (BGE's way), matching transformers.js's cls pooling", async () => {
    const { pipeline } = await import('@huggingface/transformers');
    const texts = [DOC_A, 'short'];
    const cls = await createEmbedder({
      modelId: BOW,
      localModelPath: modelsDir,
      backend: 'native',
      pooling: 'cls',
    });
    const reference = await pipeline('feature-extraction', BOW, {
      dtype: cls.dtype,
      local_files_only: true,
    });
    const expected = (await reference(texts, { pooling: 'cls', normalize: true }))
      .data as Float32Array;
    const actual = await cls.embed(texts);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
    const mean = await embedder.embed(texts);
    expect(Array.from(actual)).not.toEqual(Array.from(mean));
    await Promise.all([reference.dispose(), cls.dispose()]);
  });

  it('keeps each vector at its text position across sorted batches', async () => {
    await expectBatchingKeepsOrder(embedder);
  });

  it('runs the int8 test models by default, with vectors close to fp32 ones', async () => {
    expect(embedder.dtype).toBe('q8');
    const texts = [DOC_A, DOC_B, QUERY, 'short', '', DOC_A.repeat(12), `${DOC_B} ${QUERY}`];
    // Measured on 200 SciFact abstracts and a few short texts: cosine ≥ 0.996 for bow (the lowest
    // is the empty text, all special tokens) and ≥ 0.99996 for minilm-shape, whose distinct
    // abstracts are at most 0.9964 apart (docs/benchmarks.md, "int8 embeddings").
    for (const [modelId, threshold] of [
      [BOW, 0.99],
      [MINILM_SHAPE_MODEL_ID, 0.9999],
    ] as const) {
      const vectors: Partial<Record<ModelDtype, Float32Array>> = {};
      let dims = 0;
      for (const dtype of ['fp32', 'q8'] as const) {
        const model = await createEmbedder({
          modelId,
          localModelPath: modelsDir,
          backend: 'native',
          dtype,
        });
        expect(model.dtype).toBe(dtype);
        vectors[dtype] = await model.embed(texts);
        dims = model.dims;
        await model.dispose();
      }
      const both = new Float32Array([...vectors.fp32!, ...vectors.q8!]);
      const cosines = texts.map((_, i) => cosine(both, dims, i, texts.length + i));
      expect(Math.min(...cosines)).toBeGreaterThan(threshold);
      expect(Array.from(vectors.q8!)).not.toEqual(Array.from(vectors.fp32!));
    }
  });

  it('handles no texts and empty texts', async () => {
    expect((await embedder.embed([])).length).toBe(0);
    const [norm] = rowNorms(await embedder.embed(['']), embedder.dims);
    expect(norm).toBeCloseTo(1, 4);
  });

  it('counts word-pieces without the special tokens', () => {
    expect(embedder.countTokens('hello world')).toBe(2);
    expect(embedder.countTokens('')).toBe(0);
    expect(embedder.maxTokens).toBe(254);
  });

  it('refuses a second, different backend in the same thread', async () => {
    const attempt = createEmbedder({ modelId: BOW, localModelPath: modelsDir, backend: 'wasm' });
    await expect(attempt).rejects.toThrow(/already runs the native embedding backend/);
  });

  it('says in plain words where it looked when the model is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'quire-no-model-'));
    try {
      const error = await createEmbedder({ localModelPath: empty, backend: 'native' }).catch(
        (e: unknown) => e,
      );
      expect(isQuireError(error) && error.code).toBe('model_unavailable');
      expect(String((error as Error).message)).toContain(empty);
      expect(String((error as Error).message)).toContain('Xenova/all-MiniLM-L6-v2/onnx/model.onnx');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('reports a damaged model file as model_unavailable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quire-bad-model-'));
    try {
      await cp(join(modelsDir, BOW), join(dir, BOW), { recursive: true });
      for (const file of ['model.onnx', 'model_quantized.onnx'])
        await writeFile(join(dir, BOW, 'onnx', file), 'not an onnx file');
      const error = await createEmbedder({
        modelId: BOW,
        localModelPath: dir,
        backend: 'native',
      }).catch((e: unknown) => e);
      expect(isQuireError(error) && error.code).toBe('model_unavailable');
      expect(String((error as Error).message)).toMatch(/could not be loaded/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
