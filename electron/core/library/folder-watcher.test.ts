import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

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

it('leaves software folders out of a watched folder, unless one is added directly', async () => {
  const folder = path.join(dir, 'project');
  writeNotes(path.join(folder, 'notes'), 1);
  const [dependency] = writeNotes(path.join(folder, 'node_modules', 'some-package'), 1, 'readme');
  writeNotes(path.join(folder, 'src', '__pycache__'), 1, 'cached');
  core = await makeTestCore(path.join(dir, 'data'));
  const ctx = { transport: 'memory' as const, connection: null };
  expect(await core.dispatch('library.watch', { folder }, ctx)).toMatchObject({ ok: true });
  await core.library.whenIdle();
  expect(core.library.documents().map((d) => path.relative(folder, d.path))).toEqual([
    path.join('notes', 'note-000.md'),
  ]);

  // Changes inside node_modules are not picked up; the notes folder's are.
  fs.writeFileSync(path.join(path.dirname(dependency!), 'changelog.md'), '# Changes\n\nv2.\n');
  const fresh = path.join(folder, 'notes', 'fresh.md');
  fs.writeFileSync(fresh, '# Fresh\n\nA note about tides.\n');
  await waitFor(() => core!.library.registry.byPath(fresh)?.status === 'ready', 30_000);
  await core.library.whenIdle();
  expect(core.library.snapshot().totals.documents).toBe(2);

  // Asked for by name, a software folder is indexed like any other.
  const added = await core.dispatch(
    'library.add',
    { paths: [path.join(folder, 'node_modules')] },
    ctx,
  );
  expect(added).toMatchObject({ ok: true });
  await core.library.whenIdle();
  expect(core.library.registry.byPath(dependency!)?.status).toBe('ready');
}, 180_000);
