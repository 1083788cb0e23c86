import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { LibrarySnapshot } from '../../../shared/documents';
import { LIBRARY_STREAM } from '../../../shared/streams';
import { createQuireCore, type QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-watch-sync-'));
  core = await createQuireCore(
    {
      dataDir: path.join(dir, 'data'),
      transport: 'memory',
      logger: { error: () => {}, warn: () => {} },
    },
    { keychain: false },
  );
});
afterEach(async () => {
  await core.close();
  await remove();
});

/** A second window: its own connection, following the library stream. */
function follower() {
  const client = createInMemoryTransport(core.dispatch);
  const snapshots: LibrarySnapshot[] = [];
  const folderLists: string[][] = [];
  const stop = client.follow(LIBRARY_STREAM, {
    onSnapshot: (r) => snapshots.push(r.snapshot as LibrarySnapshot),
    onEvent: (e: StreamEvent) => {
      if (e.type === 'folders.updated') folderLists.push(e.data.watchedFolders);
    },
  });
  return { client, snapshots, folderLists, stop };
}

it('pushes the watched-folder list to every other subscriber when one client watches or unwatches', async () => {
  const notes = path.join(dir, 'notes');
  const papers = path.join(dir, 'papers');
  fs.mkdirSync(notes);
  fs.mkdirSync(papers);
  const acting = createInMemoryTransport(core.dispatch);
  const other = follower();
  await waitFor(() => other.snapshots.length === 1);
  expect(other.snapshots[0]!.watchedFolders).toEqual([]);

  expect(await acting.invoke('library.watch', { folder: notes })).toMatchObject({
    ok: true,
    value: { watchedFolders: [notes] },
  });
  await acting.invoke('library.watch', { folder: papers });
  // Watching a folder twice changes nothing, so it tells nobody.
  await acting.invoke('library.watch', { folder: notes });
  await acting.invoke('library.unwatch', { folder: notes });
  await acting.invoke('library.unwatch', { folder: path.join(dir, 'never-watched') });
  await waitFor(() => other.folderLists.length >= 3);

  expect(other.folderLists).toEqual([[notes], [notes, papers], [papers]]);

  // A window opened later starts from the snapshot, which agrees with the events.
  const late = follower();
  await waitFor(() => late.snapshots.length === 1);
  expect(late.snapshots[0]!.watchedFolders).toEqual([papers]);

  other.stop();
  late.stop();
  other.client.close();
  late.client.close();
  acting.close();
});
