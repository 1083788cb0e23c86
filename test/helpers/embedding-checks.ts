// The same behavioural checks for every backend: one backend per thread, so one test file each.
import { expect } from 'vitest';
import type { Embedder } from '../../electron/core/embedding/embedder';
import { DOC_A, DOC_B, QUERY, cosine, rowNorms } from './embedding-fixtures';

export async function expectRetrievalBehaviour(embedder: Embedder): Promise<void> {
  expect(embedder.dims).toBe(128);
  const vectors = await embedder.embed([DOC_A, DOC_B, QUERY]);
  expect(vectors).toBeInstanceOf(Float32Array);
  expect(vectors.length).toBe(3 * embedder.dims);
  for (const norm of rowNorms(vectors, embedder.dims)) expect(norm).toBeCloseTo(1, 4);
  // The query shares "mitochondria", "produce", "energy", "cell" with A and nothing with B.
  expect(cosine(vectors, embedder.dims, 2, 0)).toBeGreaterThan(
    cosine(vectors, embedder.dims, 2, 1) + 0.2,
  );
}

export async function expectBatchingKeepsOrder(embedder: Embedder): Promise<void> {
  // More texts than one batch, of mixed lengths, so sorting by length really reorders them.
  const texts = Array.from(
    { length: 19 },
    (_, i) => `${'word '.repeat((i * 7) % 23)}text number ${i}`,
  );
  const together = await embedder.embed(texts);
  for (const i of [0, 5, 18]) {
    const alone = await embedder.embed([texts[i]!]);
    const row = together.subarray(i * embedder.dims, (i + 1) * embedder.dims);
    for (let j = 0; j < embedder.dims; j++) expect(row[j]).toBeCloseTo(alone[j]!, 4);
  }
}
