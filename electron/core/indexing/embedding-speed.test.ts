import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingSpeedSchema } from '../../../shared/embedding-speed';
import { isQuireError } from '../../../shared/errors';
import {
  BOW_MODEL_ID,
  MINILM_SHAPE_MODEL_ID,
  testModels,
} from '../../../test/helpers/embedding-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { speedSamplePassages } from '../embedding/speed-sample';
import { readSpeeds, saveSpeed, SPEED_FILE } from '../embedding/speed-store';
import { measureEmbeddingSpeed } from './embedding-speed';

let modelsDir = '';
let data = '';
let remove: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ modelsDir } = await testModels());
  ({ dir: data, remove } = await makeTempDir('quire-speed-'));
});
afterAll(() => remove());

describe('the built-in sample', () => {
  it('is 200 fixed passages of two to ten sentences, the same on every call', () => {
    const passages = speedSamplePassages();
    expect(passages).toHaveLength(200);
    expect(speedSamplePassages()).toEqual(passages);
    const sentences = passages.map((p) => p.split(/(?<=\.) /).length);
    expect(Math.min(...sentences)).toBe(2);
    expect(Math.max(...sentences)).toBe(10);
  });
});

describe('measureEmbeddingSpeed (a real worker and embedder)', () => {
  it("measures MiniLM's shape: passages and tokens per second, with its backend and weights", async () => {
    const speed = await measureEmbeddingSpeed({
      modelId: MINILM_SHAPE_MODEL_ID,
      modelDir: modelsDir,
      backend: 'native',
      threads: 1,
      batchSize: 8,
      passages: 40,
      now: () => 1234,
    });
    expect(EmbeddingSpeedSchema.parse(speed)).toEqual(speed);
    expect(speed).toMatchObject({
      modelId: MINILM_SHAPE_MODEL_ID,
      measuredAt: 1234,
      backend: 'native',
      threads: 1,
      batchSize: 8,
      passages: 40,
    });
    expect(['fp32', 'q8']).toContain(speed.dtype);
    // The real MiniLM tokenizer: 40 passages of 2–10 sentences are thousands of word-pieces.
    expect(speed.tokens).toBeGreaterThan(40 * 30);
    expect(speed.tokens).toBeLessThan(40 * 254);
    expect(speed.passagesPerSecond).toBeCloseTo(40 / speed.seconds, 6);
    expect(speed.tokensPerSecond).toBeCloseTo(speed.tokens / speed.seconds, 6);
  });

  it('runs the WASM backend and the weights it is told to', async () => {
    const speed = await measureEmbeddingSpeed({
      modelId: BOW_MODEL_ID,
      modelDir: modelsDir,
      backend: 'wasm',
      threads: 1,
      batchSize: 4,
      dtype: 'fp32',
      passages: 12,
    });
    expect(speed).toMatchObject({ backend: 'wasm', dtype: 'fp32', passages: 12 });
  });

  it('says in plain words when the model is not there', async () => {
    const error: unknown = await measureEmbeddingSpeed({
      modelId: 'Xenova/bge-small-en-v1.5',
      modelDir: modelsDir,
      backend: 'native',
      threads: 1,
      batchSize: 8,
    }).catch((e: unknown) => e);
    expect(isQuireError(error) && error.code).toBe('model_unavailable');
  });

  it('stops the worker when cancelled', async () => {
    const controller = new AbortController();
    const measuring = measureEmbeddingSpeed({
      modelId: MINILM_SHAPE_MODEL_ID,
      modelDir: modelsDir,
      backend: 'native',
      threads: 1,
      batchSize: 8,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error: unknown = await measuring.catch((e: unknown) => e);
    expect(isQuireError(error) && error.code).toBe('cancelled');
  });
});

describe('the speed file', () => {
  const speed = (modelId: string, passagesPerSecond: number) => ({
    modelId,
    measuredAt: 1,
    backend: 'native' as const,
    dtype: 'q8' as const,
    threads: 2,
    batchSize: 8,
    passages: 200,
    tokens: 20_000,
    seconds: 200 / passagesPerSecond,
    passagesPerSecond,
    tokensPerSecond: (20_000 * passagesPerSecond) / 200,
    loadSeconds: 0.5,
  });

  it("keeps each model's latest figure in the data folder", async () => {
    expect(await readSpeeds(data)).toEqual({});
    await saveSpeed(data, speed('a/one', 10));
    await saveSpeed(data, speed('b/two', 20));
    await saveSpeed(data, speed('a/one', 30));
    const speeds = await readSpeeds(data);
    expect(Object.keys(speeds).sort()).toEqual(['a/one', 'b/two']);
    expect(speeds['a/one']!.passagesPerSecond).toBe(30);
    expect((await fs.readdir(data)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reads a damaged file as no figures, and the next save repairs it', async () => {
    await fs.writeFile(path.join(data, SPEED_FILE), '{"version": 1, "speeds": {"x": 3}');
    expect(await readSpeeds(data)).toEqual({});
    await saveSpeed(data, speed('a/one', 5));
    expect(Object.keys(await readSpeeds(data))).toEqual(['a/one']);
  });
});
