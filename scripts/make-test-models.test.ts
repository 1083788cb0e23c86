import { existsSync } from 'node:fs';
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
    expect(models.rerankerDir).toBe(join(dir, 'quire-test', 'bow-reranker'));
    expect(models.nliDir).toBe(join(dir, 'quire-test', 'bow-nli'));
    for (const modelDir of [models.bowDir, models.minilmDir, models.rerankerDir, models.nliDir]) {
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

  it('makes bow-reranker a sequence classifier whose score rises with shared word-pieces', async () => {
    const config = JSON.parse(await readFile(join(models.rerankerDir, 'config.json'), 'utf8')) as {
      architectures: string[];
      num_labels: number;
      id2label: Record<string, string>;
    };
    expect(config.architectures).toEqual(['BertForSequenceClassification']);
    expect(config.num_labels).toBe(1);
    expect(Object.keys(config.id2label)).toHaveLength(1);

    const session = await ort.InferenceSession.create(
      join(models.rerankerDir, 'onnx', 'model.onnx'),
    );
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['logits']);
    // [CLS] a b [SEP] <segment B> [SEP] [PAD]: B repeats A's pieces, half of them, or none.
    const rows = [
      [101, 2000, 3000, 102, 2000, 3000, 102, 0],
      [101, 2000, 3000, 102, 2000, 4000, 102, 0],
      [101, 2000, 3000, 102, 5000, 6000, 102, 0],
      [101, 2000, 3000, 102, 102, 0, 0, 0],
    ];
    const types = [
      [0, 0, 0, 0, 1, 1, 1, 0],
      [0, 0, 0, 0, 1, 1, 1, 0],
      [0, 0, 0, 0, 1, 1, 1, 0],
      [0, 0, 0, 0, 1, 0, 0, 0],
    ];
    const tensor = (values: number[][]) =>
      new ort.Tensor('int64', BigInt64Array.from(values.flat().map(BigInt)), [4, 8]);
    const { logits } = await session.run({
      input_ids: tensor(rows),
      attention_mask: tensor(rows.map((r) => r.map((id) => (id === 0 ? 0 : 1)))),
      token_type_ids: tensor(types),
    });
    await session.release();
    expect(logits!.dims).toEqual([4, 1]);
    const [same, half, none, empty] = Array.from(logits!.data as Float32Array);
    expect(same).toBeCloseTo(10, 4);
    expect(half).toBeGreaterThan(none! + 3);
    expect(Math.abs(none!)).toBeLessThan(3);
    expect(empty).toBe(0);
  });

  it('makes bow-nli a 3-label NLI classifier: entailment as the hypothesis pieces are found in the premise', async () => {
    const config = JSON.parse(await readFile(join(models.nliDir, 'config.json'), 'utf8')) as {
      num_labels: number;
      id2label: Record<string, string>;
    };
    expect(config.num_labels).toBe(3);
    expect(config.id2label).toEqual({ 0: 'contradiction', 1: 'entailment', 2: 'neutral' });

    const session = await ort.InferenceSession.create(join(models.nliDir, 'onnx', 'model.onnx'));
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    // [CLS] a b c [SEP] <hypothesis> [SEP] [PAD]: all of it in the premise, half, none.
    const rows = [
      [101, 2000, 3000, 3500, 102, 3000, 2000, 102, 0],
      [101, 2000, 3000, 3500, 102, 2000, 4000, 102, 0],
      [101, 2000, 3000, 3500, 102, 5000, 6000, 102, 0],
    ];
    const types = rows.map(() => [0, 0, 0, 0, 0, 1, 1, 1, 0]);
    const tensor = (values: number[][]) =>
      new ort.Tensor('int64', BigInt64Array.from(values.flat().map(BigInt)), [3, 9]);
    const { logits } = await session.run({
      input_ids: tensor(rows),
      attention_mask: tensor(rows.map((r) => r.map((id) => (id === 0 ? 0 : 1)))),
      token_type_ids: tensor(types),
    });
    await session.release();
    expect(logits!.dims).toEqual([3, 3]);
    const argmax = (r: number) => {
      const row = Array.from(logits!.data as Float32Array).slice(r * 3, r * 3 + 3);
      return config.id2label[row.indexOf(Math.max(...row))];
    };
    expect([argmax(0), argmax(1), argmax(2)]).toEqual(['entailment', 'neutral', 'contradiction']);
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

  it('gives the embedding models an int8 file as quantize_dynamic makes it, fused into int8 kernels', async () => {
    const { DataType } = onnxProto.onnx.TensorProto;
    const decode = async (file: string) =>
      onnxProto.onnx.ModelProto.decode(await readFile(join(models.minilmDir, 'onnx', file)));
    const [fp32, q8] = await Promise.all([decode('model.onnx'), decode('model_quantized.onnx')]);
    const count = (model: typeof q8, op: string) =>
      (model.graph?.node ?? []).filter((n) => n.opType === op).length;
    // Same graph: every fp32 MatMul on a weight (6 layers × 6) became MatMulInteger, the three
    // embedding Gathers read uint8 tables, and attention's two activation MatMuls stay fp32.
    expect(count(q8, 'MatMulInteger')).toBe(36);
    expect(count(q8, 'MatMul')).toBe(12);
    expect(count(fp32, 'MatMul')).toBe(48);
    expect(count(q8, 'DynamicQuantizeLinear')).toBe(24);
    expect(count(q8, 'DequantizeLinear')).toBe(3);
    expect(q8.graph?.input?.map((i) => i.name)).toEqual(fp32.graph?.input?.map((i) => i.name));
    const byType = (type: number) =>
      (q8.graph?.initializer ?? [])
        .filter((t) => t.dataType === type)
        .reduce((n, t) => n + (t.dims ?? []).reduce<number>((m, d) => m * Number(d), 1), 0);
    // The 36 weight matrices in int8 with a zero point per column, the three embedding tables in
    // uint8 with one zero point each: all of MiniLM's weights but the biases and LayerNorms.
    const perLayer = { weights: 4 * 384 * 384 + 2 * 384 * 1536, columns: 5 * 384 + 1536 };
    expect(byType(DataType.INT8)).toBe(6 * (perLayer.weights + perLayer.columns));
    expect(byType(DataType.UINT8)).toBe((30522 + 512 + 2) * 384 + 3);
    expect(existsSync(join(models.bowDir, 'onnx', 'model_quantized.onnx'))).toBe(true);
    expect(existsSync(join(models.rerankerDir, 'onnx', 'model_quantized.onnx'))).toBe(false);

    const optimized = join(dir, 'optimized-q8.onnx');
    const session = await ort.InferenceSession.create(
      join(models.minilmDir, 'onnx', 'model_quantized.onnx'),
      { graphOptimizationLevel: 'extended', optimizedModelFilePath: optimized },
    );
    await session.release();
    const fused = onnxProto.onnx.ModelProto.decode(await readFile(optimized));
    expect(count(fused, 'MatMulIntegerToFloat') + count(fused, 'DynamicQuantizeMatMul')).toBe(36);
    expect(count(fused, 'MatMulInteger')).toBe(0);
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
