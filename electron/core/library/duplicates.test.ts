import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';
import { uploadsDir } from './duplicate-files';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore | null = null;
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-dupes-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await remove();
});

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const NOTE = '# Glaciers\n\nGlaciers carve valleys over thousands of years.\n';

it('the same content dropped twice becomes one document; the second path is reported as already in the library', async () => {
  core = await makeTestCore(path.join(dir, 'data'));
  const a = write(path.join(dir, 'docs', 'glaciers.md'), NOTE);
  const copy = write(path.join(dir, 'docs', 'copy', 'glaciers (1).md'), NOTE);
  // Same size, other bytes: not a duplicate.
  const twinSize = write(path.join(dir, 'docs', 'other.md'), NOTE.replace('carve', 'shape'));
  expect(fs.statSync(twinSize).size).toBe(fs.statSync(a).size);

  const first = await core.library.add([path.join(dir, 'docs')]);
  // Whichever of the two is met first is the document; the other is its duplicate.
  expect(first.added).toHaveLength(2);
  const original = first.added.find((d) => d.path === a || d.path === copy)!;
  expect(first.added.some((d) => d.path === twinSize)).toBe(true);
  const dropped = original.path === a ? copy : a;
  expect(first.duplicates).toEqual([
    { path: dropped, documentId: original.id, name: original.name },
  ]);
  await core.library.whenIdle();

  // Dropped again later, once the original is indexed (its hash is known).
  const later = write(path.join(dir, 'elsewhere', 'glaciers.md'), NOTE);
  const second = await core.library.add([later]);
  expect(second).toMatchObject({
    added: [],
    duplicates: [{ path: later, documentId: original.id }],
  });
  await core.library.whenIdle();

  const docs = core.library.registry.all();
  expect(docs.map((d) => d.path).sort()).toEqual([original.path, twinSize].sort());
  expect(await core.store.countChunks()).toBe(docs.reduce((n, d) => n + d.chunks, 0));

  // Once the original's file is gone, the same bytes elsewhere are a document again.
  fs.rmSync(original.path);
  const third = await core.library.add([later]);
  expect(third.added.map((d) => d.path)).toEqual([later]);
  expect(third.duplicates).toEqual([]);
}, 120_000);

it('deletes the uploaded copy of a removed document, and an uploaded duplicate at once', async () => {
  const dataDir = path.join(dir, 'data');
  core = await makeTestCore(dataDir);
  const uploads = uploadsDir(dataDir);
  const uploaded = write(path.join(uploads, 'a1b2c3', 'glaciers.md'), NOTE);
  const { added } = await core.library.add([uploaded]);
  await core.library.whenIdle();

  const again = write(path.join(uploads, 'd4e5f6', 'glaciers.md'), NOTE);
  const second = await core.library.add([again]);
  expect(second.duplicates).toMatchObject([{ path: again, documentId: added[0]!.id }]);
  expect(fs.existsSync(path.join(uploads, 'd4e5f6'))).toBe(false);
  expect(fs.existsSync(uploaded)).toBe(true);

  // A file outside the uploads folder is the user's own: removing its document keeps it.
  const own = write(path.join(dir, 'mine.md'), '# Mine\n\nMy own words about rivers.\n');
  const mine = (await core.library.add([own])).added[0]!;
  await core.library.whenIdle();

  expect(await core.library.remove(added[0]!.id)).toBe(true);
  expect(fs.existsSync(path.join(uploads, 'a1b2c3'))).toBe(false);
  expect(fs.existsSync(uploads)).toBe(true);
  expect(await core.library.remove(mine.id)).toBe(true);
  expect(fs.existsSync(own)).toBe(true);
}, 120_000);
