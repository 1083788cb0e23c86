import path from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { coreOptionsFrom, SHARED_OPTIONS } from './cli-context';

const parse = (args: string[]) =>
  coreOptionsFrom(parseArgs({ args, options: SHARED_OPTIONS, strict: true }).values);

describe('the shared flags', () => {
  it('pass the embedding model, its weights and the model folder to the core', () => {
    expect(
      parse(['--model-dir', 'models', '--embedding-model', 'a/b', '--embedding-dtype', 'fp32']),
    ).toEqual({ modelDir: path.resolve('models'), embeddingModel: 'a/b', embeddingDtype: 'fp32' });
    expect(parse([])).toEqual({});
  });

  it('refuses an unknown --embedding-dtype in plain words', () => {
    expect(() => parse(['--embedding-dtype', 'int4'])).toThrow(
      '--embedding-dtype takes auto, fp32 or q8, not "int4".',
    );
  });
});
