// Shared by the embedding tests: the generated test models and the retrieval texts they rank.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { BOW_MODEL_ID, makeTestModels, type TestModels } from '../../scripts/make-test-models';

export { BOW_MODEL_ID, MINILM_SHAPE_MODEL_ID } from '../../scripts/make-test-models';

/** .test-models/ at the repo root (git-ignored); makeTestModels skips work when it is current. */
export const TEST_MODELS_DIR = resolve(
  fileURLToPath(new URL('../../.test-models', import.meta.url)),
);

export function testModels(): Promise<TestModels> {
  return makeTestModels(TEST_MODELS_DIR);
}

export const DOC_A = 'Mitochondria produce most of the energy a cell needs, through respiration.';
export const DOC_B = 'The treaty ended the war between the two kingdoms in the winter of 1648.';
export const QUERY = 'How do mitochondria produce energy for the cell?';
export const BOW = BOW_MODEL_ID;

export function cosine(vectors: Float32Array, dims: number, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < dims; i++) sum += vectors[a * dims + i]! * vectors[b * dims + i]!;
  return sum;
}

export function rowNorms(vectors: Float32Array, dims: number): number[] {
  const rows = vectors.length / dims;
  return Array.from({ length: rows }, (_, r) => Math.sqrt(cosine(vectors, dims, r, r)));
}

/**
 * A worker_threads Worker running a .ts entry from source. `execArgv: ['--import', 'tsx']` does
 * not reach a worker's own entry on Node 20 (nodejs/node#47747), so a small bootstrap registers
 * tsx inside the worker first and then imports the entry.
 */
export function startTsWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const bootstrap =
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })` +
    `.catch((error) => { process.nextTick(() => { throw error; }); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
