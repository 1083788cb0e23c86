import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-reembed-')));
afterEach(() => remove());

// A writer that never commits on a timer, so the counts do not depend on this machine's speed.
const writer = { maxDelayMs: 600_000 };

/** The chunks table is the only LanceDB table (the registry journal holds the documents). */
async function tableVersions(core: Awaited<ReturnType<typeof makeTestCore>>) {
  return core.store.lance.tables.chunks.version();
}

/** Indexes `count` notes with no model, then opens the library with one: LanceDB commits. */
async function reembedNotes(count: number) {
  const root = path.join(dir, String(count));
  const noModels = path.join(root, 'no-models');
  fs.mkdirSync(noModels, { recursive: true });
  const dataDir = path.join(root, 'data');
  const first = await makeTestCore(dataDir, { modelDir: noModels, writer });
  await first.library.add(writeNotes(path.join(root, 'notes'), count));
  await first.library.whenIdle();
  const pendingBefore = first.library.registry.all().filter((d) => d.vectorsPending).length;
  const before = await tableVersions(first);
  await first.close();

  const core = await makeTestCore(dataDir, { writer });
  try {
    await core.library.whenIdle();
    const docs = core.library.registry.all();
    return {
      pendingBefore,
      pendingAfter: docs.filter((d) => d.vectorsPending).length,
      embedded: docs.filter((d) => d.embeddingModel === 'quire-test/bow').length,
      vectors: await core.store.lance.countVectors(),
      rows: await core.store.countChunks(),
      commits: (await tableVersions(core)) - before,
    };
  } finally {
    await core.close();
  }
}

it('re-embedding documents stored without vectors commits in batches, not once per document', async () => {
  const small = await reembedNotes(30);
  const large = await reembedNotes(300);
  console.info(
    `[re-embed commits] 30 documents: ${JSON.stringify(small)}; 300: ${JSON.stringify(large)}`,
  );
  expect(small).toMatchObject({ pendingBefore: 30, pendingAfter: 0, embedded: 30 });
  expect(large).toMatchObject({ pendingBefore: 300, pendingAfter: 0, embedded: 300 });
  expect(large.vectors).toBe(large.rows);
  expect(large.rows).toBeGreaterThan(300);
  // One merge per document would make these 10x apart, and at least 300.
  expect(large.commits).toBeLessThanOrEqual(4 * small.commits);
  expect(large.commits).toBeLessThan(300 / 20);
}, 180_000);
