import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import {
  chooseModelDtype,
  DOWNLOAD_STAMP,
  downloadDtype,
  findLocalModel,
  localModelDtype,
  localModelDtypes,
  modelSearchDirs,
  requireLocalModel,
} from './model-location';

const MODEL = 'Xenova/all-MiniLM-L6-v2';

describe('model location', () => {
  let root = '';
  const dir = (name: string): string => join(root, name);
  const addModel = async (base: string, file: string): Promise<void> => {
    await mkdir(join(base, MODEL, 'onnx'), { recursive: true });
    await writeFile(join(base, MODEL, 'onnx', file), 'onnx');
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'quire-models-'));
    await addModel(dir('data/models'), 'model.onnx');
    await addModel(dir('resources/models'), 'model_quantized.onnx');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('searches an explicit --model-dir alone, else data then bundled resources', () => {
    expect(modelSearchDirs({ modelDir: 'x', dataDir: 'd', resourcesDir: 'r' })).toEqual([
      resolve('x'),
    ]);
    expect(modelSearchDirs({ dataDir: 'd', resourcesDir: 'r' })).toEqual([
      resolve('d/models'),
      resolve('r/models'),
    ]);
    expect(modelSearchDirs({})).toEqual([]);
  });

  it('returns the first folder holding the model, fp32 or quantized', () => {
    const dirs = modelSearchDirs({ dataDir: dir('data'), resourcesDir: dir('resources') });
    expect(findLocalModel(MODEL, dirs)).toBe(dir('data/models'));
    expect(findLocalModel(MODEL, dirs.slice(1))).toBe(dir('resources/models'));
    expect(localModelDtype(MODEL, dir('data/models'))).toBe('fp32');
    expect(localModelDtype(MODEL, dir('resources/models'))).toBe('q8');
    expect(findLocalModel('someone/else', dirs)).toBeNull();
  });

  it("chooses the weights: 'auto' takes int8 when the folder has both, a lone file is used whatever the setting", async () => {
    const both = dir('both/models');
    await addModel(both, 'model.onnx');
    await addModel(both, 'model_quantized.onnx');
    expect(localModelDtypes(MODEL, both)).toEqual(['fp32', 'q8']);
    expect(chooseModelDtype('auto', MODEL, both)).toBe('q8');
    expect(chooseModelDtype('q8', MODEL, both)).toBe('q8');
    expect(chooseModelDtype('fp32', MODEL, both)).toBe('fp32');
    for (const preference of ['auto', 'fp32', 'q8'] as const) {
      expect(chooseModelDtype(preference, MODEL, dir('data/models'))).toBe('fp32');
      expect(chooseModelDtype(preference, MODEL, dir('resources/models'))).toBe('q8');
      expect(chooseModelDtype(preference, MODEL, dir('nowhere'))).toBeNull();
    }
    // A download fetches the int8 file unless fp32 is asked for.
    expect([downloadDtype('auto'), downloadDtype('q8'), downloadDtype('fp32')]).toEqual([
      'q8',
      'q8',
      'fp32',
    ]);
  });

  it('explains a missing model in plain words: what, where it looked, how to add it', () => {
    const dirs = [dir('nowhere-1'), dir('nowhere-2')];
    let error: unknown;
    try {
      requireLocalModel(MODEL, dirs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuireError);
    expect((error as QuireError).code).toBe('model_unavailable');
    const message = (error as QuireError).message;
    expect(message).toContain(`"${MODEL}" is not installed`);
    for (const d of dirs) expect(message).toContain(d);
    expect(message).toContain('--model-dir');
  });

  it('ignores a folder whose download has not finished, even with weights in it', async () => {
    const base = dir('partial');
    await addModel(base, 'model.onnx');
    const stamp = join(base, MODEL, DOWNLOAD_STAMP);
    await writeFile(stamp, JSON.stringify({ complete: false }));
    expect(findLocalModel(MODEL, [base])).toBeNull();
    await writeFile(stamp, JSON.stringify({ complete: true }));
    expect(findLocalModel(MODEL, [base])).toBe(base);
  });

  it('rejects model names that could climb out of the models folder', () => {
    expect(() => findLocalModel('../etc', [root])).toThrow(/not a valid model name/);
    expect(() => findLocalModel('a/../../b', [root])).toThrow(/not a valid model name/);
  });
});
