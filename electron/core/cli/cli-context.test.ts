import path from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { coreOptionsFrom, followWriterMs, SHARED_OPTIONS } from './cli-context';

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

describe('how often a reader follows its writer', () => {
  it('looks every 3 s in an S3 bucket or an Azure container, every second beside a folder', () => {
    expect(followWriterMs('s3://team/lib', '/nowhere')).toBe(3000);
    expect(followWriterMs('az://team/lib', '/nowhere')).toBe(3000);
    expect(followWriterMs('azure://team', '/nowhere')).toBe(3000);
    expect(followWriterMs('/srv/library', '/nowhere')).toBe(1000);
  });
});
