import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestModels, type TestModels } from './make-test-models';

describe('makeTestModels', () => {
  let dir = '';
  let models: TestModels;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quire-test-models-'));
    models = await makeTestModels(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lays each model out as transformers.js expects for a local model', async () => {
    expect(models.bowDir).toBe(join(dir, 'quire-test', 'bow'));
    expect(models.minilmDir).toBe(join(dir, 'quire-test', 'minilm-shape'));
    for (const modelDir of [models.bowDir, models.minilmDir]) {
      for (const file of [
        'config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'special_tokens_map.json',
        'vocab.txt',
        'onnx/model.onnx',
      ]) {
        expect((await stat(join(modelDir, file))).size).toBeGreaterThan(0);
      }
      const config = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as {
        model_type: string;
      };
      expect(config.model_type).toBe('bert');
    }
  });

  it("gives minilm-shape exactly MiniLM-L6's parameter count (no pooler), so it costs the same", async () => {
    const model = onnxProto.onnx.ModelProto.decode(
      await readFile(join(models.minilmDir, 'onnx', 'model.onnx')),
    );
    const params = (model.graph?.initializer ?? [])
      .filter(
        (t) =>
          t.dataType === onnxProto.onnx.TensorProto.DataType.FLOAT && (t.dims ?? []).length > 0,
      )
      .reduce((sum, t) => sum + (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1), 0);
    expect(params).toBe(22_565_376);
    expect(model.graph?.input?.map((i) => i.name)).toEqual([
      'input_ids',
      'attention_mask',
      'token_type_ids',
    ]);
  });

  it('is fused by onnxruntime as an exported BERT is: Attention, LayerNorm and GELU kernels', async () => {
    const optimized = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(
      join(models.minilmDir, 'onnx', 'model.onnx'),
      {
        graphOptimizationLevel: 'extended',
        optimizedModelFilePath: optimized,
      },
    );
    await session.release();
    const nodes = onnxProto.onnx.ModelProto.decode(await readFile(optimized)).graph?.node ?? [];
    const count = (op: string): number => nodes.filter((n) => n.opType === op).length;
    expect([count('Attention'), count('LayerNormalization'), count('BiasGelu')]).toEqual([
      6, 13, 6,
    ]);
  });

  it('is deterministic, skips work when current, and repairs a damaged file', async () => {
    const modelFile = join(models.bowDir, 'onnx', 'model.onnx');
    const before = await readFile(modelFile);
    const { mtimeMs } = await stat(modelFile);
    await makeTestModels(dir);
    expect((await stat(modelFile)).mtimeMs).toBe(mtimeMs);

    await writeFile(modelFile, 'damaged');
    await makeTestModels(dir);
    expect((await readFile(modelFile)).equals(before)).toBe(true);
  });
});
