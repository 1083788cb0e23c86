import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import { META_FILE } from './meta';
import { SCHEMA_VERSION } from './schema';
import { openStore } from './open-store';
import type { Store } from './store';
import { toStoreError } from './store-errors';
import { axisVector, makeChunk, makeChunks, tempDir } from '../../../test/helpers/store-fixtures';

const DIMS = 8;
let dir: string;
let cleanup: () => Promise<void>;
let store: Store;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore({ dir, dims: DIMS });
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('chunks', () => {
  it('stores a new document in one commit, with ids, offsets and heading paths', async () => {
    const before = await store.version();
    await store.replaceDocumentChunks('d1', [
      makeChunk(0, 'hello'),
      { ...makeChunk(1, 'world'), pageStart: 2, pageEnd: 3 },
    ]);
    expect(await store.version()).toBe(before + 1);
    const chunks = await store.getChunks('d1');
    expect(chunks.map((c) => c.id)).toEqual(['d1:0', 'd1:1']);
    expect(chunks[1]).toMatchObject({
      pageStart: 2,
      pageEnd: 3,
      headingPath: ['Intro', 'Part 1'],
      hasVector: false,
    });
    expect(chunks[0]).toMatchObject({
      pageStart: null,
      embeddingModel: null,
      charStart: 0,
      charEnd: 5,
    });
  });

  it('replaces a document in exactly one new version, leaving other documents alone', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(5, (i) => `old ${i}`),
    );
    await store.replaceDocumentChunks(
      'd2',
      makeChunks(2, (i) => `other ${i}`),
    );
    const before = await store.version();
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(3, (i) => `new ${i}`),
    );
    expect(await store.version()).toBe(before + 1);
    expect((await store.getChunks('d1')).map((c) => c.text)).toEqual(['new 0', 'new 1', 'new 2']);
    expect(await store.countChunks('d2')).toBe(2);
    expect(await store.chunkIdsFor('d1')).toEqual(['d1:0', 'd1:1', 'd1:2']);
  });

  it('writes a batch of documents in one commit', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(4, (i) => `old ${i}`),
    );
    const before = await store.version();
    const vectors = new Float32Array(2 * DIMS).fill(0.5);
    await store.replaceDocuments([
      { docId: 'd1', chunks: makeChunks(2, (i) => `new ${i}`), vectors, embeddingModel: 'm1' },
      { docId: 'd2', chunks: makeChunks(1, () => 'fresh') },
    ]);
    expect(await store.version()).toBe(before + 1);
    expect(await store.countChunks()).toBe(3);
    expect(await store.countVectors('m1')).toBe(2);
  });

  it('readers see all old or all new chunks while a 2,000-chunk document is replaced', async () => {
    await store.replaceDocumentChunks(
      'big',
      makeChunks(2000, (i) => `generation old passage ${i}`),
    );
    const other = await (await connect(dir, { readConsistencyInterval: 0 })).openTable('chunks');
    const seen = { old: 0, new: 0 };
    let done = false;
    const read = async (table: typeof other) => {
      while (!done) {
        const rows = await table.query().where("doc_id = 'big'").select(['id', 'text']).toArray();
        const gens = new Set(rows.map((r) => String(r.text).split(' ')[1]));
        expect(gens.size).toBe(1);
        const gen = [...gens][0] as 'old' | 'new';
        expect(rows.length).toBe(gen === 'old' ? 2000 : 1500);
        seen[gen] += 1;
      }
    };
    const readers = [read(store.tables.chunks), read(other), read(other)];
    const before = await store.version();
    await store.replaceDocumentChunks(
      'big',
      makeChunks(1500, (i) => `generation new passage ${i}`),
    );
    await new Promise((r) => setTimeout(r, 200));
    done = true;
    await Promise.all(readers);
    other.close();
    expect(await store.version()).toBe(before + 1);
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
  });

  it('attaches vectors later, atomically, and validates them', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(3, (i) => `text ${i}`),
    );
    const before = await store.version();
    await store.setVectors(
      'd1',
      'model-a',
      [0, 1, 2].map((i) => axisVector(DIMS, i)),
    );
    expect(await store.version()).toBe(before + 1);
    expect(
      (await store.getChunks('d1')).every((c) => c.hasVector && c.embeddingModel === 'model-a'),
    ).toBe(true);
    await expect(store.setVectors('d1', 'm', [axisVector(DIMS, 0)])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(store.setVectors('nope', 'm', [])).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.replaceDocumentChunks('d2', [makeChunk(0, 'x', new Float32Array(3))], {
        embeddingModel: 'm',
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      store.replaceDocumentChunks('d2', [makeChunk(0, 'x', axisVector(DIMS, 1))]),
    ).rejects.toBeInstanceOf(QuireError);
  });

  it('deleteDocument removes its chunks, and only its own', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(4, (i) => `a ${i}`),
    );
    await store.replaceDocumentChunks(
      'd2',
      makeChunks(2, (i) => `b ${i}`),
    );
    await store.deleteDocument('d1');
    expect(await store.countChunks('d1')).toBe(0);
    expect(await store.countChunks()).toBe(2);
    await store.deleteDocument('d1');
    expect(await store.countChunks('d2')).toBe(2);
  });
});

describe('schema version and reopening', () => {
  it('reopens an existing store with its data', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(2, (i) => `persisted ${i}`),
    );
    await store.close();
    const meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as {
      schemaVersion: number;
    };
    expect(meta.schemaVersion).toBe(SCHEMA_VERSION);
    store = await openStore({ dir, dims: DIMS });
    expect((await store.getChunks('d1')).map((c) => c.text)).toEqual([
      'persisted 0',
      'persisted 1',
    ]);
  });

  it('upgrades a v2 store: the never-read documents table goes, every chunk stays', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(3, (i) => `kept ${i}`),
    );
    await store.close();
    // A v2 folder as older Quires left it: a documents table beside the chunks.
    const db = await connect(dir);
    const old = await db.createTable('documents', [{ id: 'd1', size: 0, content_hash: '' }]);
    old.close();
    db.close();
    const meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as object;
    await writeFile(join(dir, META_FILE), JSON.stringify({ ...meta, schemaVersion: 2 }));
    store = await openStore({ dir, dims: DIMS });
    const reopened = await connect(dir);
    expect(await reopened.tableNames()).toEqual(['chunks']);
    reopened.close();
    expect((await store.getChunks('d1')).map((c) => c.text)).toEqual([
      'kept 0',
      'kept 1',
      'kept 2',
    ]);
    const upgraded = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as {
      schemaVersion: number;
    };
    expect(upgraded.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('refuses a store written by a newer version', async () => {
    await store.close();
    const meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(
      join(dir, META_FILE),
      JSON.stringify({ ...meta, schemaVersion: SCHEMA_VERSION + 1 }),
    );
    await expect(openStore({ dir, dims: DIMS })).rejects.toThrow(/newer version/);
    store = await openStore({ dir: `${dir}/fresh`, dims: DIMS });
  });

  it('a new embedding width keeps the text and marks every vector pending', async () => {
    await store.replaceDocumentChunks('d1', [makeChunk(0, 'kept text', axisVector(DIMS, 0))], {
      embeddingModel: 'm',
    });
    await store.close();
    store = await openStore({ dir, dims: 16 });
    expect(await store.getChunks('d1')).toMatchObject([
      { text: 'kept text', hasVector: false, embeddingModel: null },
    ]);
    await store.setVectors('d1', 'wide', [axisVector(16, 3)]);
    expect(await store.countVectors('wide')).toBe(1);
  });
});

describe('health and errors', () => {
  it('reports healthy tables, then a damaged data file', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(50, (i) => `passage ${i}`),
    );
    expect((await store.checkHealth()).map((h) => [h.table, h.ok])).toEqual([['chunks', true]]);
    const dataDir = join(dir, 'chunks.lance', 'data');
    for (const file of await readdir(dataDir)) await writeFile(join(dataDir, file), 'garbage');
    const health = await store.checkHealth();
    expect(health.find((h) => h.table === 'chunks')).toMatchObject({ ok: false });
  });

  it('refuses to open a table whose manifest is damaged, with table_damaged', async () => {
    await store.replaceDocumentChunks(
      'd1',
      makeChunks(5, (i) => `passage ${i}`),
    );
    await store.close();
    const versions = join(dir, 'chunks.lance', '_versions');
    for (const file of await readdir(versions)) await writeFile(join(versions, file), 'garbage');
    await expect(openStore({ dir, dims: DIMS })).rejects.toMatchObject({ code: 'table_damaged' });
    store = await openStore({ dir: `${dir}/fresh`, dims: DIMS });
  });

  it('maps a full disk to disk_full', () => {
    const full = toStoreError(
      new Error('LanceError(IO): No space left on device (os error 28)'),
      'save',
    );
    expect(full).toMatchObject({ code: 'disk_full', retryable: true });
    expect(toStoreError(Object.assign(new Error('x'), { code: 'ENOSPC' }), 'save').code).toBe(
      'disk_full',
    );
    expect(toStoreError(new Error('boom'), 'save').code).toBe('internal');
  });
});
