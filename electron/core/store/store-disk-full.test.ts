import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { search } from '../retrieval/search';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { fillDisk, mountTmpfs, tmpfsUnavailable, unmountTmpfs } from '../../../test/helpers/tmpfs';
import { openStore } from './open-store';
import type { LanceStore } from './store';
import { axisVector, makeChunk } from '../../../test/helpers/store-fixtures';

const noLabels = async () => new Map();

const DIMS = 8;
let root: string;
let remove: () => Promise<void>;
let mount: string;
let store: LanceStore | null = null;

if (tmpfsUnavailable) console.warn(`Skipping the full-disk store test: ${tmpfsUnavailable}`);

beforeAll(async () => {
  ({ dir: root, remove } = await makeTempDir('quire-store-full-'));
  mount = path.join(root, 'mnt');
  if (!tmpfsUnavailable) mountTmpfs(mount, 8);
});
afterAll(async () => {
  await store?.close();
  if (!tmpfsUnavailable) unmountTmpfs(mount);
  await remove();
});

function chunks(count: number, word: string) {
  return Array.from({ length: count }, (_, i) =>
    makeChunk(i, `${word} passage ${i} ${'filler text '.repeat(40)}`, axisVector(DIMS, i)),
  );
}

it.skipIf(tmpfsUnavailable !== null)(
  'every LanceDB write path (append, replace, optimize with its index refresh) fails with disk_full and keeps what was stored',
  async () => {
    const dir = path.join(mount, 'lancedb');
    store = await openStore({ dir, dims: DIMS });
    await store.replaceDocumentChunks('kept', chunks(20, 'glacier'), { embeddingModel: 'm' });
    await store.optimize();
    // A write optimize has not folded in yet: compaction and the full-text index update
    // then have something to write when the disk is full (an optimized store writes nothing).
    await store.replaceDocumentChunks('pending', chunks(20, 'tundra'), { embeddingModel: 'm' });
    const filler = path.join(mount, 'filler');
    fillDisk(filler);

    const full = { code: 'disk_full', retryable: true };
    await expect(
      store.replaceDocumentChunks('new', chunks(400, 'volcano'), { embeddingModel: 'm' }),
    ).rejects.toMatchObject(full);
    await expect(
      store.replaceDocumentChunks('kept', chunks(400, 'volcano'), { embeddingModel: 'm' }),
    ).rejects.toMatchObject(full);
    const versionBefore = await store.version();
    await expect(store.optimize()).rejects.toMatchObject(full);
    expect(await store.version()).toBe(versionBefore);

    // Nothing stored was lost, and the store still answers, unindexed rows included.
    const find = async (word: string) =>
      (
        await search(store!, { query: word, mode: 'text', k: 5, resolveDocuments: noLabels })
      ).hits.map((h) => h.docId);
    const glacier = () => find('glacier');
    expect(await glacier()).toEqual(Array(5).fill('kept'));
    expect(await find('tundra')).toEqual(Array(5).fill('pending'));
    expect(await store.countChunks('kept')).toBe(20);
    expect(await store.countChunks('pending')).toBe(20);
    expect(await store.countChunks('new')).toBe(0);

    // Space freed: the same writes succeed, on the same store and after reopening it.
    fs.rmSync(filler);
    await store.replaceDocumentChunks('new', chunks(400, 'volcano'), { embeddingModel: 'm' });
    await store.optimize();
    await store.close();
    store = await openStore({ dir, dims: DIMS });
    expect(await store.countChunks('new')).toBe(400);
    expect(await glacier()).toEqual(Array(5).fill('kept'));
    expect(await find('tundra')).toEqual(Array(5).fill('pending'));
  },
  120_000,
);
