import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { makeTestCore, writeNotes } from '../testing/library-fixtures';
import { makeTempDir, waitFor } from '../testing/temp-dir';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore | null = null;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(async () => {
  await core?.close();
  core = null;
  await remove();
});

it('a watched folder picks up added, changed and deleted files, and is watched again after a restart', async () => {
  const folder = path.join(dir, 'watched');
  const [first] = writeNotes(folder, 2);
  core = await makeTestCore(path.join(dir, 'data'));
  const watched = await core.dispatch(
    'library.watch',
    { folder },
    { transport: 'memory', connection: null },
  );
  expect(watched).toMatchObject({ ok: true, value: { watchedFolders: [folder] } });
  await core.library.whenIdle();
  expect(core.library.snapshot().totals.documents).toBe(2);

  const added = path.join(folder, 'added.md');
  fs.writeFileSync(added, '# Added\n\nA note about lighthouses.\n');
  await waitFor(() => core!.library.registry.byPath(added)?.status === 'ready', 30_000);

  fs.writeFileSync(first!, '# Changed\n\nNow it is about volcanoes.\n');
  const firstId = core.library.registry.byPath(first!)!.id;
  await waitFor(
    () =>
      core!.library.registry.get(firstId)?.status === 'ready' &&
      core!.library.registry.get(firstId)!.chunks === 1,
    30_000,
  );
  await core.library.whenIdle();
  expect((await core.store.lance.getChunks(firstId)).map((c) => c.text).join(' ')).toContain(
    'volcanoes',
  );

  fs.rmSync(added);
  await waitFor(() => core!.library.registry.byPath(added) === undefined, 30_000);

  await core.close();
  const whileClosed = path.join(folder, 'while-closed.md');
  fs.writeFileSync(whileClosed, '# Offline\n\nWritten while Quire was closed.\n');
  core = await makeTestCore(path.join(dir, 'data'));
  expect(core.library.snapshot().watchedFolders).toEqual([folder]);
  await waitFor(() => core!.library.registry.byPath(whileClosed)?.status === 'ready', 30_000);
  const later = path.join(folder, 'later.md');
  fs.writeFileSync(later, '# Later\n\nWritten while Quire was restarting.\n');
  await waitFor(() => core!.library.registry.byPath(later)?.status === 'ready', 30_000);
  await core.dispatch('library.unwatch', { folder }, { transport: 'memory', connection: null });
  expect(core.library.snapshot().watchedFolders).toEqual([]);
}, 180_000);
