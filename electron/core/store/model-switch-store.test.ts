import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { axisVector, makeChunks, tempDir } from '../../../test/helpers/store-fixtures';
import { search } from '../retrieval/search';
import { readMeta } from './meta';
import { openStore } from './open-store';
import type { Store } from './store';

// The store's half of a model switch: a second table beside the one search reads, what is
// left to embed, the one-step switch, and what survives a restart.
const OLD_DIMS = 4;
const NEW_DIMS = 6;
let dir: string;
let cleanup: () => Promise<void>;
let store: Store;

const flat = (count: number, dims: number, axis: number) => {
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) out.set(axisVector(dims, axis + i), i * dims);
  return out;
};

async function addDoc(docId: string, count: number, text: string) {
  await store.replaceDocumentChunks(
    docId,
    makeChunks(count, (i) => `${text} ${i}`),
    { vectors: flat(count, OLD_DIMS, 0), embeddingModel: 'old/model' },
  );
}

const tables = async () => (await readdir(dir)).filter((n) => n.endsWith('.lance')).sort();

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore({ dir, dims: OLD_DIMS, embeddingModel: 'old/model' });
  await addDoc('a', 3, 'apple orchard');
  await addDoc('b', 2, 'banana boat');
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('a model switch in the store', () => {
  it('stages new vectors beside the old ones, then switches in one step and drops the old table', async () => {
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    let backlog = await store.modelSwitchBacklog();
    expect([...backlog.pending].sort()).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    await store.stageVectors([{ docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 1) }]);
    backlog = await store.modelSwitchBacklog();
    expect([...backlog.pending]).toEqual([['b', 2]]);
    expect(backlog.stagedChunks).toBe(3);
    // Not complete while a document waits; search still reads the old vectors.
    expect(await store.completeModelSwitch()).toBe(false);
    const before = await search(store, {
      query: 'apple',
      queryVector: axisVector(OLD_DIMS, 0),
      embeddingModel: 'old/model',
      mode: 'vector',
    });
    expect(before.hits[0]?.docId).toBe('a');

    await store.stageVectors([{ docId: 'b', modelId: 'new/model', vectors: flat(2, NEW_DIMS, 4) }]);
    expect(await store.completeModelSwitch()).toBe(true);
    expect(store.dims).toBe(NEW_DIMS);
    expect(store.embeddingModel).toBe('new/model');
    expect(store.modelSwitch).toBeNull();
    const after = await search(store, {
      query: 'banana',
      queryVector: axisVector(NEW_DIMS, 4),
      embeddingModel: 'new/model',
      mode: 'vector',
    });
    expect(after.hits[0]).toMatchObject({ docId: 'b', ordinal: 0 });
    // Full-text search works on the new table, and the chunks kept their text and metadata.
    const text = await search(store, { query: 'orchard', mode: 'text' });
    expect(text.hits.map((h) => h.docId)).toEqual(['a', 'a', 'a']);
    expect((await store.getChunks('a'))[2]).toMatchObject({
      text: 'apple orchard 2',
      embeddingModel: 'new/model',
      hasVector: true,
    });
    // The meta file names the new table; the old one goes at the next open at the latest.
    const meta = await readMeta(dir);
    expect(meta).toMatchObject({ dims: NEW_DIMS, embeddingModel: 'new/model', modelSwitch: null });
    await store.close();
    store = await openStore({ dir, dims: NEW_DIMS, embeddingModel: 'new/model' });
    expect(await tables()).toEqual([`${meta!.chunksTable}.lance`]);
    expect(await store.countVectors('new/model')).toBe(5);
  });

  it('keeps staged work across a restart, and a paused switch stays paused', async () => {
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    await store.stageVectors([{ docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 0) }]);
    await store.setModelSwitchPaused(true);
    await store.close();
    store = await openStore({ dir, dims: OLD_DIMS, embeddingModel: 'old/model' });
    expect(store.modelSwitch).toMatchObject({ modelId: 'new/model', paused: true });
    const backlog = await store.modelSwitchBacklog();
    expect([...backlog.pending]).toEqual([['b', 2]]);
    expect(backlog.stagedChunks).toBe(3);
    // Taking it up again unpauses it and keeps what was staged.
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    expect(store.modelSwitch?.paused).toBe(false);
    expect((await store.modelSwitchBacklog()).stagedChunks).toBe(3);
  });

  it('forgets staged vectors of documents re-indexed or deleted meanwhile', async () => {
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    await store.stageVectors([
      { docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 0) },
      { docId: 'b', modelId: 'new/model', vectors: flat(2, NEW_DIMS, 0) },
    ]);
    await addDoc('a', 4, 'apple orchard again');
    await store.deleteDocument('b');
    const backlog = await store.modelSwitchBacklog();
    expect([...backlog.pending]).toEqual([['a', 4]]);
    expect(backlog.stagedChunks).toBe(0);
    // Texts that changed after they were read are not staged (their count no longer matches).
    const stale = await store.stageVectors([
      { docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 0) },
    ]);
    expect(stale).toEqual({ staged: 0, skipped: 1 });
    await store.stageVectors([{ docId: 'a', modelId: 'new/model', vectors: flat(4, NEW_DIMS, 0) }]);
    expect(await store.completeModelSwitch()).toBe(true);
    expect(await store.countChunks()).toBe(4);
  });

  it('writes a document embedded by the replaced model without vectors, for the new one to fill', async () => {
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    await store.stageVectors([
      { docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 0) },
      { docId: 'b', modelId: 'new/model', vectors: flat(2, NEW_DIMS, 0) },
    ]);
    expect(await store.completeModelSwitch()).toBe(true);
    // In flight at the switch: its vectors have the old width.
    await addDoc('c', 2, 'cherry pie');
    expect(await store.getChunks('c')).toMatchObject([
      { hasVector: false, embeddingModel: null },
      { hasVector: false, embeddingModel: null },
    ]);
  });

  it('cancels: the library keeps its model and the new table is gone', async () => {
    const before = await tables();
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    await store.stageVectors([{ docId: 'a', modelId: 'new/model', vectors: flat(3, NEW_DIMS, 0) }]);
    expect((await tables()).length).toBe(before.length + 1);
    await store.cancelModelSwitch();
    expect(await tables()).toEqual(before);
    expect(store.modelSwitch).toBeNull();
    expect(store.dims).toBe(OLD_DIMS);
    expect(await store.countVectors('old/model')).toBe(5);
    // Another switch starts from nothing.
    await store.beginModelSwitch({ modelId: 'new/model', dims: NEW_DIMS, fromModel: 'old/model' });
    expect((await store.modelSwitchBacklog()).stagedChunks).toBe(0);
  });
});
