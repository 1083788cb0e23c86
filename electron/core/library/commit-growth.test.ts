import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { documentLabels } from '../chat/library-labels';
import { search } from '../retrieval/search';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-commits-')));
afterEach(() => remove());

/** Indexes `count` small notes into a fresh library; LanceDB commits and index updates. */
async function indexNotes(count: number) {
  const root = path.join(dir, String(count));
  // A writer that never commits on a timer: batches close when nothing else can join or the
  // backlog is full, so the counts below do not depend on how fast this machine is.
  const core = await makeTestCore(path.join(root, 'data'), {
    writer: { maxDelayMs: 600_000 },
  });
  try {
    const { chunks } = core.store.lance.tables;
    const before = await chunks.version();
    const optimizesBefore = core.store.lance.optimizeRuns;
    await core.library.add(writeNotes(path.join(root, 'notes'), count));
    await core.library.whenIdle();
    const ready = core.library.registry.all().filter((d) => d.status === 'ready').length;
    const hits = await search(core.store.lance, {
      query: `item ${count - 1}`,
      mode: 'text',
      k: 1,
      resolveDocuments: async (ids) => documentLabels(core.library.registry, ids),
    });
    return {
      ready,
      rows: await core.store.countChunks(),
      commits: (await chunks.version()) - before,
      indexUpdates: core.store.lance.optimizeRuns - optimizesBefore,
      lastFound: hits.hits[0]?.title ?? null,
    };
  } finally {
    await core.close();
  }
}

it('LanceDB commits and full-text index updates grow sub-linearly with the number of documents', async () => {
  const small = await indexNotes(50);
  const large = await indexNotes(500);
  console.info(`[commits] 50 documents: ${JSON.stringify(small)}; 500: ${JSON.stringify(large)}`);
  expect(small).toMatchObject({ ready: 50, lastFound: 'note-049.md' });
  expect(large).toMatchObject({ ready: 500, lastFound: 'note-499.md' });
  expect(large.rows).toBeGreaterThan(500);
  // One commit per document (or per few) would make these 10x apart.
  expect(large.commits).toBeLessThanOrEqual(4 * small.commits);
  expect(large.commits).toBeLessThan(500 / 20);
  expect(large.indexUpdates).toBeGreaterThanOrEqual(1);
  expect(large.indexUpdates).toBeLessThanOrEqual(small.indexUpdates + 2);
}, 180_000);
