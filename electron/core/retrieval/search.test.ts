import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { axisVector, makeChunk, tempDir } from '../../../test/helpers/store-fixtures';
import { cleanFtsQuery } from './fts-query';
import { search, type DocumentLabel, type SearchOptions } from './search';

const DIMS = 8;
const v = (axis: number, other?: { axis: number; weight: number }) => axisVector(DIMS, axis, other);

let store: Store;
let cleanup: () => Promise<void>;

/** Titles come from the library's registry in the app; here, from a map ('old-model' has none). */
const LABELS = new Map<string, DocumentLabel>([
  ['energy', { name: 'Energy notes', path: '/docs/energy.md' }],
  ['sea', { name: 'sea.md', path: '/docs/sea.md' }],
  ['misc', { name: 'misc.md', path: '/docs/misc.md' }],
]);
const find = (options: SearchOptions) =>
  search(store, {
    ...options,
    resolveDocuments: async (ids) =>
      new Map(ids.flatMap((id) => (LABELS.has(id) ? [[id, LABELS.get(id)!] as const] : []))),
  });

beforeAll(async () => {
  const tmp = await tempDir('quire-search-');
  cleanup = tmp.cleanup;
  store = await openStore({ dir: tmp.dir, dims: DIMS });
  await store.replaceDocumentChunks(
    'energy',
    [
      {
        ...makeChunk(0, 'solar panels efficiency notes', v(0, { axis: 1, weight: 0.5 })),
        pageStart: 4,
        pageEnd: 5,
      },
      makeChunk(1, 'solar wind', v(5)),
    ],
    { embeddingModel: 'mini' },
  );
  await store.replaceDocumentChunks(
    'sea',
    [makeChunk(0, 'ocean tides', v(0, { axis: 1, weight: 0.1 }))],
    {
      embeddingModel: 'mini',
    },
  );
  // Pending vectors: searchable by text at once, invisible to vector search.
  await store.replaceDocumentChunks('misc', [
    makeChunk(0, 'She runs every morning before the sun rises'),
    makeChunk(1, 'gardening tips for sunny beds'),
  ]);
  await store.replaceDocumentChunks('old-model', [makeChunk(0, 'legacy passage', v(0))], {
    embeddingModel: 'old',
  });
  // BM25 over rows not yet in the index is scored per fragment; optimize makes ranks stable.
  await store.optimize();
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

describe('hybrid search', () => {
  it('ranks a chunk found by both modes above single-mode ones, breaking ties the same way', async () => {
    const result = await find({
      query: 'solar',
      queryVector: v(0),
      k: 3,
      candidates: 2,
      embeddingModel: 'mini',
    });
    expect(result.degraded).toBeNull();
    expect(result.hits.map((h) => h.chunkId)).toEqual(['energy:0', 'sea:0', 'energy:1']);
    const [both, vectorOnly, textOnly] = result.hits;
    expect(both?.ranks).toEqual({ vector: 2, text: 2 });
    expect(vectorOnly?.ranks).toEqual({ vector: 1, text: null });
    expect(textOnly?.ranks).toEqual({ vector: null, text: 1 });
    expect(both?.score).toBeCloseTo(2 / 62);
    expect(both).toMatchObject({
      title: 'Energy notes',
      path: '/docs/energy.md',
      pageStart: 4,
      pageEnd: 5,
    });
    expect(both?.headingPath).toEqual(['Intro', 'Part 0']);
  });

  it('weights shift the fusion', async () => {
    const result = await find({
      query: 'solar',
      queryVector: v(0),
      k: 1,
      candidates: 2,
      embeddingModel: 'mini',
      weights: { vector: 0.1, text: 5 },
    });
    expect(result.hits[0]?.chunkId).toBe('energy:0');
    const textHeavy = await find({
      query: 'solar wind',
      queryVector: v(0),
      k: 1,
      weights: { vector: 0.1, text: 5 },
    });
    expect(textHeavy.hits[0]?.chunkId).toBe('energy:1');
  });

  it('degrades to text when there is no query vector', async () => {
    const result = await find({ query: 'solar', queryVector: null });
    expect(result).toMatchObject({ mode: 'text', degraded: 'no_vectors' });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits.every((h) => h.ranks.vector === null)).toBe(true);
  });

  it('degrades to text when no chunk has a vector from this model', async () => {
    const result = await find({
      query: 'solar',
      queryVector: v(0),
      embeddingModel: 'unknown',
    });
    expect(result).toMatchObject({ mode: 'text', degraded: 'no_vectors' });
  });
});

describe('vector search', () => {
  it('uses cosine distance and never returns pending-vector chunks', async () => {
    const result = await find({ query: '', queryVector: v(0), mode: 'vector', k: 10 });
    const ids = result.hits.map((h) => h.chunkId);
    expect(ids).not.toContain('misc:0');
    expect(ids).not.toContain('misc:1');
    expect(ids.slice(0, 2).sort()).toEqual(['old-model:0', 'sea:0']);
    expect(result.hits[0]?.distance).toBeCloseTo(0, 5);
    expect(result.hits.find((h) => h.chunkId === 'sea:0')?.distance).toBeCloseTo(
      1 - 1 / Math.sqrt(1.01),
      4,
    );
  });

  it('rejects a query vector of the wrong width', async () => {
    await expect(find({ query: 'x', queryVector: new Float32Array(3) })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('filters by documents, safely quoted', async () => {
    const result = await find({
      query: 'solar',
      queryVector: v(0),
      docIds: ['sea', "x' OR '1'='1"],
    });
    expect(result.hits.map((h) => h.docId)).toEqual(['sea']);
    expect((await find({ query: 'solar', docIds: [] })).hits).toEqual([]);
  });

  it('leaves excluded documents out inside the query: k hits still come back', async () => {
    const top = async (options: Partial<SearchOptions>) =>
      (await find({ query: 'solar sun', k: 1, ...options })).hits.map((h) => h.docId);
    expect(await top({ mode: 'text' })).toEqual(['energy']);
    // A filter applied after the top k would leave nothing here.
    expect(await top({ mode: 'text', excludeDocIds: ['energy', "x' OR '1'='1"] })).toEqual([
      'misc',
    ]);
    const vector = { mode: 'vector', queryVector: v(0), embeddingModel: 'mini' } as const;
    expect(await top(vector)).toEqual(['sea']);
    expect(await top({ ...vector, excludeDocIds: ['sea'] })).toEqual(['energy']);
  });
});

describe('full-text search', () => {
  it('stems: "running" finds "runs"', async () => {
    const result = await find({ query: 'running', mode: 'text' });
    expect(result.hits.map((h) => h.chunkId)).toEqual(['misc:0']);
    expect(result.hits[0]?.title).toBe('misc.md');
  });

  it('ignores stop words without breaking the query', async () => {
    expect((await find({ query: 'the running of the sun', mode: 'text' })).hits[0]?.chunkId).toBe(
      'misc:0',
    );
    expect((await find({ query: 'the of and', mode: 'text' })).hits).toEqual([]);
  });

  it('returns nothing for an empty query', async () => {
    expect((await find({ query: '', mode: 'text' })).hits).toEqual([]);
    expect((await find({ query: '  \n\t ', mode: 'hybrid' })).hits).toEqual([]);
  });

  const nasty = [
    '"',
    '"unbalanced quote',
    "it's",
    'text:solar',
    '(solar OR wind',
    'solar AND',
    'AND OR NOT',
    '*',
    '?~^!',
    'solar~2',
    'title:"x" AND (y OR z)',
    '\\',
    '{[<>]}',
    "'; DROP TABLE chunks; --",
    'solar\u0000wind',
    '🌞 solar ☀️',
    'ṡolar',
    'שלום solar',
    '-solar +wind',
    'a'.repeat(10_000),
    'solar '.repeat(500),
    '\u200b\u200b',
  ];
  it.each(nasty.map((q, i) => [i, q] as const))(
    'does not throw on nasty query #%i',
    async (_, query) => {
      await expect(find({ query, mode: 'text' })).resolves.toBeDefined();
      await expect(find({ query, queryVector: v(0) })).resolves.toBeDefined();
    },
  );

  it('cleans queries to plain words', () => {
    expect(cleanFtsQuery('title:"solar" AND (wind OR tides)')).toBe('title solar wind tides');
    expect(cleanFtsQuery('"\'():')).toBe('');
    expect(cleanFtsQuery('café naïve')).toBe('café naïve');
    expect(cleanFtsQuery('x '.repeat(100)).split(' ')).toHaveLength(64);
  });
});
