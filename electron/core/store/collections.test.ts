import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { search } from '../retrieval/search';
import { META_FILE } from './meta';
import { openStore } from './open-store';
import { collectionsFilter, SCHEMA_VERSION } from './schema';
import type { LanceStore } from './store';
import { axisVector, makeChunk, tempDir } from '../../../test/helpers/store-fixtures';

const DIMS = 4;
const MODEL = 'test/axis';

let tmp: { dir: string; cleanup: () => Promise<void> };
let store: LanceStore;

/** "near" sits on the query's axis, "far" a little off it; both mention glaciers. */
async function writeTwo(s: LanceStore) {
  await s.replaceDocuments([
    {
      docId: 'near',
      chunks: [makeChunk(0, 'Glaciers carve valleys.', axisVector(DIMS, 0))],
      embeddingModel: MODEL,
      collections: ['k-b'],
    },
    {
      docId: 'far',
      chunks: [
        makeChunk(
          0,
          'Glaciers, glaciers and more glaciers.',
          axisVector(DIMS, 0, { axis: 1, weight: 0.5 }),
        ),
      ],
      embeddingModel: MODEL,
      collections: ['k-a'],
    },
  ]);
  // Folds the rows into the full-text and label-list indexes, as the writer does when idle.
  await s.optimize();
}

const ids = (hits: { docId: string }[]) => hits.map((h) => h.docId);

describe('collections on chunk rows', () => {
  beforeEach(async () => {
    tmp = await tempDir('quire-collections-');
    store = await openStore({ dir: tmp.dir, dims: DIMS });
    await writeTwo(store);
  });
  afterEach(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('filters vector and full-text search inside the query, so k=1 still finds the scoped passage', async () => {
    const query = { query: 'glaciers', queryVector: axisVector(DIMS, 0), k: 1 };
    // Unscoped, "near" wins the vector search: a top-1 post-filter to k-a would find nothing.
    expect(ids((await search(store, { ...query, mode: 'vector' })).hits)).toEqual(['near']);
    expect(
      ids((await search(store, { ...query, mode: 'vector', collections: ['k-a'] })).hits),
    ).toEqual(['far']);
    // BM25 ranks "far" first (three mentions); scoped to k-b, the text search still answers.
    expect(ids((await search(store, { ...query, mode: 'text' })).hits)).toEqual(['far']);
    expect(
      ids((await search(store, { ...query, mode: 'text', collections: ['k-b'] })).hits),
    ).toEqual(['near']);
    expect((await search(store, { ...query, k: 5, collections: ['k-none'] })).hits).toEqual([]);
    expect((await search(store, { ...query, k: 5, collections: [] })).hits).toEqual([]);
  });

  it('runs the collection filter as a prefilter on the label-list index', async () => {
    await store.setCollections(new Map([['near', ['k-b', 'k-c']]]));
    // Rows written since the last optimize are filtered in the scan, still before the top-k...
    const scan = await store.tables.chunks
      .vectorSearch(axisVector(DIMS, 0))
      .where(collectionsFilter(['k-a']))
      .limit(1)
      .explainPlan(true);
    expect(scan).toMatch(/KNNVectorDistance[^]*full_filter=array_has_any\(collections/);
    // ...and once optimize folds them in, the label-list index answers the filter.
    await store.optimize();
    const plan = await store.tables.chunks
      .vectorSearch(axisVector(DIMS, 0))
      .where(collectionsFilter(['k-a']))
      .limit(1)
      .explainPlan(true);
    expect(plan).toMatch(/ScalarIndexQuery: query=\[array_has_any\(collections/);
    expect(
      (await store.tables.chunks.listIndices()).map((i) => [i.columns, i.indexType]),
    ).toContainEqual([['collections'], 'LabelList']);
  });

  it('moves documents between collections without touching their vectors', async () => {
    const before = await store.tables.chunks.query().where("doc_id = 'near'").toArray();
    const version = await store.version();
    await store.setCollections(
      new Map([
        ['near', ['k-a', 'k-b']],
        ['far', []],
      ]),
    );
    expect(await store.version()).toBeGreaterThan(version);
    const after = await store.tables.chunks.query().where("doc_id = 'near'").toArray();
    expect([...after[0]!.vector]).toEqual([...before[0]!.vector]);
    expect(after[0]!.embedding_model).toBe(MODEL);
    expect(await store.collectionsByDocument()).toEqual(
      new Map([
        ['near', ['k-a', 'k-b']],
        ['far', []],
      ]),
    );
    const scoped = await search(store, {
      query: 'glaciers',
      queryVector: axisVector(DIMS, 0),
      k: 5,
      collections: ['k-a'],
    });
    expect(ids(scoped.hits)).toEqual(['near']);
    // The updated rows are not in the full-text index until the next optimize: still found.
    const text = await search(store, {
      query: 'valleys',
      mode: 'text',
      k: 5,
      collections: ['k-a'],
    });
    expect(ids(text.hits)).toEqual(['near']);
  });

  it('keeps a document’s collections when its vectors are replaced (re-embedding)', async () => {
    await store.setVectors('far', 'test/other', [axisVector(DIMS, 2)]);
    expect((await store.collectionsByDocument()).get('far')).toEqual(['k-a']);
  });
});

describe(`schema v2 → v${SCHEMA_VERSION} (documents table dropped, collections added)`, () => {
  it('adds an empty collections column to an existing data folder, nothing re-embedded', async () => {
    const dir = await tempDir('quire-collections-migration-');
    try {
      const old = await openStore({ dir: dir.dir, dims: DIMS });
      await writeTwo(old);
      await old.close();
      // Turn it into a v2 store: no collections column or index, version 2 in the meta file.
      const db = await connect(dir.dir);
      const chunks = await db.openTable('chunks');
      await chunks.dropIndex('collections_idx');
      await chunks.dropColumns(['collections']);
      chunks.close();
      const metaPath = join(dir.dir, META_FILE);
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
      await writeFile(metaPath, JSON.stringify({ ...meta, schemaVersion: 2 }));

      const reopened = await openStore({ dir: dir.dir, dims: DIMS });
      try {
        expect(JSON.parse(await readFile(metaPath, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
        expect(await reopened.collectionsByDocument()).toEqual(
          new Map([
            ['near', []],
            ['far', []],
          ]),
        );
        expect(await reopened.countVectors(MODEL)).toBe(2);
        const everything = await search(reopened, { query: 'glaciers', mode: 'text', k: 5 });
        expect(ids(everything.hits).sort()).toEqual(['far', 'near']);
        await reopened.setCollections(new Map([['far', ['k-a']]]));
        const scoped = await search(reopened, {
          query: 'glaciers',
          queryVector: axisVector(DIMS, 0),
          k: 5,
          collections: ['k-a'],
        });
        expect(ids(scoped.hits)).toEqual(['far']);
        expect((await reopened.tables.chunks.listIndices()).map((i) => i.columns[0])).toContain(
          'collections',
        );
      } finally {
        await reopened.close();
      }
    } finally {
      await dir.cleanup();
    }
  });
});
