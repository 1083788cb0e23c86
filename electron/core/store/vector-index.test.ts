import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { search } from '../retrieval/search';
import { openStore } from './open-store';
import type { Store } from './store';
import { makeChunk, tempDir } from '../../../test/helpers/store-fixtures';
import { hasVectorIndex } from './vector-index';

const DIMS = 16;
function unit(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIMS }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('ANN index upkeep', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const tmp = await tempDir('quire-ann-');
    cleanup = tmp.cleanup;
    store = await openStore({
      dir: tmp.dir,
      dims: DIMS,
      // The production index type and query knobs, with a threshold a test can reach.
      vectorIndex: { minRows: 400 },
    });
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const writeDoc = (d: number, model: string | null) =>
    store.replaceDocumentChunks(
      `d${d}`,
      Array.from({ length: 100 }, (_, i) =>
        makeChunk(i, `doc ${d} passage ${i}`, model ? unit(d * 100 + i) : null),
      ),
      { embeddingModel: model },
    );

  it('builds past the threshold, keeps it, and retrains after a model change', async () => {
    for (let d = 0; d < 3; d++) await writeDoc(d, 'm1');
    await writeDoc(3, null);
    expect((await store.optimize()).vectorIndexBuilt).toBe(false);
    await writeDoc(4, 'm1');
    expect((await store.optimize()).vectorIndexBuilt).toBe(true);
    expect(await hasVectorIndex(store.tables.chunks)).toBe(true);
    expect(
      (await store.tables.chunks.listIndices()).find((i) => i.columns.includes('vector'))
        ?.indexType,
    ).toBe('IvfHnswSq');
    expect((await store.optimize()).vectorIndexBuilt).toBe(false);

    const probe = unit(2 * 100 + 7);
    const indexed = await search(store, { query: '', queryVector: probe, mode: 'vector', k: 5 });
    expect(indexed.hits[0]?.chunkId).toBe('d2:7');
    expect(indexed.hits.every((h) => !h.docId.startsWith('d3'))).toBe(true);

    for (let d = 0; d < 5; d++) {
      const vectors = Array.from({ length: 100 }, (_, i) => unit(d * 100 + i + 0.5));
      await store.setVectors(`d${d}`, 'm2', vectors);
    }
    expect((await store.optimize()).vectorIndexBuilt).toBe(true);
    const after = await search(store, {
      query: '',
      queryVector: unit(3 * 100 + 9.5),
      mode: 'vector',
      k: 1,
      embeddingModel: 'm2',
    });
    expect(after.hits[0]?.chunkId).toBe('d3:9');
  });
});
