// Settings the indexer reads at start: saving them says a restart is needed, and the next start
// uses them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore | null = null;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(async () => {
  await core?.close();
  core = null;
  await remove();
});

function longNote(file: string): string {
  const paragraphs = Array.from(
    { length: 40 },
    (_, i) => `Paragraph ${i} describes tide ${i} at the harbour, its height and its hour.`,
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The folder's name in the heading: identical content would be kept once, as a duplicate.
  fs.writeFileSync(
    file,
    `# Tides of ${path.basename(path.dirname(file))}\n\n${paragraphs.join('\n\n')}\n`,
  );
  return file;
}

async function chunksOf(c: QuireCore, file: string): Promise<number> {
  await c.library.add([file]);
  await c.library.whenIdle();
  return c.library.registry.byPath(file)!.chunks;
}

it('a saved chunk size is reported as pending, and the next start chunks with it', async () => {
  const data = path.join(dir, 'data');
  core = await makeTestCore(data, { keychain: false });
  const client = createInMemoryTransport(core.dispatch);
  const before = await chunksOf(core, longNote(path.join(dir, 'a', 'tides.md')));

  const current = await client.invoke('settings.get', {});
  if (!current.ok) throw new Error(current.error.message);
  expect(current.value.pendingRestart).toEqual([]);
  const saved = await client.invoke('settings.update', {
    settings: {
      ...current.value.settings,
      retrieval: { ...current.value.settings.retrieval, chunkTokens: 64 },
    },
  });
  expect(saved.ok && saved.value.pendingRestart).toEqual(['chunk size']);
  await core.close();

  core = await makeTestCore(data, { keychain: false });
  const reopened = await createInMemoryTransport(core.dispatch).invoke('settings.get', {});
  expect(reopened.ok && reopened.value.pendingRestart).toEqual([]);
  const after = await chunksOf(core, longNote(path.join(dir, 'b', 'tides.md')));
  expect(after).toBeGreaterThan(before * 2);
}, 180_000);
