import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { Result } from '../../../shared/result';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
let dataDir: string;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-collections-'));
  dataDir = path.join(dir, 'data');
  core = await makeTestCore(dataDir);
});
afterEach(async () => {
  await core.close();
  await remove();
});

describe('collections over the contract', () => {
  it('creates, fills, renames, empties and deletes, and every window hears of it', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const other = createInMemoryTransport(core.dispatch);
    const seen: StreamEvent[] = [];
    other.follow('library', { onSnapshot: () => {}, onEvent: (e) => seen.push(e) });

    const rivers = value(await client.invoke('collections.create', { name: 'Rivers' }));
    const hills = value(await client.invoke('collections.create', { name: 'Hills' }));
    const clash = await client.invoke('collections.create', { name: ' rivers ' });
    expect(!clash.ok && clash.error.code).toBe('invalid_argument');

    const added = value(
      await client.invoke('library.add', {
        paths: writeNotes(path.join(dir, 'rivers'), 2, 'river'),
        collectionId: rivers.id,
      }),
    );
    value(
      await client.invoke('library.add', {
        paths: writeNotes(path.join(dir, 'hills'), 1, 'hill'),
        collectionId: hills.id,
      }),
    );
    await core.library.whenIdle();
    const chunksBefore = await core.store.countChunks();
    expect(
      value(await client.invoke('collections.list', {})).map((c) => [c.name, c.documentCount]),
    ).toEqual([
      ['Hills', 1],
      ['Rivers', 2],
    ]);
    const riverIds = added.added.map((d) => d.id);
    expect((await core.store.lance.collectionsByDocument()).get(riverIds[0]!)).toEqual([rivers.id]);

    // A document may be in both; unknown ids change nothing and say which.
    const both = value(
      await client.invoke('collections.addDocuments', {
        collectionId: hills.id,
        documentIds: [riverIds[0]!],
      }),
    );
    expect(both).toMatchObject({ changed: [riverIds[0]], collection: { documentCount: 2 } });
    const unknown = await client.invoke('collections.addDocuments', {
      collectionId: hills.id,
      documentIds: [riverIds[1]!, 'd-missing'],
    });
    expect(!unknown.ok && unknown.error).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('d-missing'),
    });
    expect(core.library.registry.get(riverIds[1]!)?.collections).toEqual([rivers.id]);
    expect(new Set((await core.store.lance.collectionsByDocument()).get(riverIds[0]!))).toEqual(
      new Set([rivers.id, hills.id]),
    );

    const renamed = value(
      await client.invoke('collections.rename', { collectionId: rivers.id, name: 'Streams' }),
    );
    expect(renamed).toMatchObject({ name: 'Streams', documentCount: 2 });

    const emptied = value(await client.invoke('collections.empty', { collectionId: hills.id }));
    expect(emptied.collection.documentCount).toBe(0);
    expect(new Set(emptied.changed)).toEqual(
      new Set([
        riverIds[0],
        ...core.library.registry
          .all()
          .filter((d) => d.name.startsWith('hill'))
          .map((d) => d.id),
      ]),
    );

    // Deleting a collection never deletes its documents, nor their passages.
    expect(value(await client.invoke('collections.delete', { collectionId: rivers.id }))).toEqual({
      deleted: true,
    });
    expect(core.library.registry.all()).toHaveLength(3);
    expect(await core.store.countChunks()).toBe(chunksBefore);
    expect(core.library.registry.all().every((d) => (d.collections ?? []).length === 0)).toBe(true);
    expect(
      [...(await core.store.lance.collectionsByDocument()).values()].every((c) => c.length === 0),
    ).toBe(true);
    const gone = await client.invoke('collections.addDocuments', {
      collectionId: rivers.id,
      documentIds: riverIds,
    });
    expect(!gone.ok && gone.error.code).toBe('not_found');

    await waitFor(() => seen.some((e) => e.type === 'collection.deleted'));
    const types = seen.map((e) => e.type).filter((t) => t.startsWith('collection.'));
    expect(types).toContain('collection.changed');
    expect(types).toContain('collection.members');
    const snapshot = value(await client.invoke('library.list', {}));
    expect(snapshot.collections?.map((c) => c.name)).toEqual(['Hills']);
  });
});

describe('collections on disk', () => {
  it('keep their definitions and members across a restart, and mend rows a crash left behind', async () => {
    const notes = writeNotes(path.join(dir, 'docs'), 2);
    await core.library.add(notes);
    await core.library.whenIdle();
    const box = core.collections.create('Box');
    const [first, second] = core.library.registry.all();
    await core.collections.addDocuments(box.id, [first!.id]);
    // A crash between the registry write and the rows' update: the record says "in Box",
    // the rows do not.
    core.library.registry.put({ ...second!, collections: [box.id] });
    await core.close();

    core = await makeTestCore(dataDir);
    expect(core.collections.list()).toEqual([
      expect.objectContaining({ name: 'Box', documentCount: 2 }),
    ]);
    const rows = await core.store.lance.collectionsByDocument();
    expect(rows.get(first!.id)).toEqual([box.id]);
    expect(rows.get(second!.id)).toEqual([box.id]);
    expect(fs.existsSync(path.join(dataDir, 'library', 'collections.jsonl'))).toBe(true);
  });

  it('keeps a changed file in its collections when it is indexed again', async () => {
    const [note] = writeNotes(path.join(dir, 'docs'), 1);
    await core.library.add([note!]);
    await core.library.whenIdle();
    const kept = core.collections.create('Kept');
    const [doc] = core.library.registry.all();
    await core.collections.addDocuments(kept.id, [doc!.id]);
    fs.appendFileSync(note!, '\nA new paragraph about deltas.\n');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(note!, later, later);
    expect((await core.library.add([note!])).added).toHaveLength(1);
    await core.library.whenIdle();
    expect(core.library.registry.get(doc!.id)).toMatchObject({
      status: 'ready',
      collections: [kept.id],
    });
    expect((await core.store.lance.collectionsByDocument()).get(doc!.id)).toEqual([kept.id]);
  });

  it('feeds a watched folder’s new files into its collection', async () => {
    const folder = path.join(dir, 'inbox');
    writeNotes(folder, 1, 'first');
    const inbox = core.collections.create('Inbox');
    const client = createInMemoryTransport(core.dispatch);
    value(await client.invoke('library.watch', { folder, collectionId: inbox.id }));
    writeNotes(folder, 1, 'later');
    await waitFor(() => core.library.registry.all().length === 2, 15_000);
    await waitFor(() => core.collections.list()[0]!.documentCount === 2, 15_000);
    await core.library.whenIdle();
    expect(value(await client.invoke('library.list', {})).folderCollections).toEqual({
      [folder]: inbox.id,
    });
    const events = value(
      await client.invoke('events.subscribe', { stream: 'library', afterSeq: 0 }),
    ).events;
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'folders.updated',
        data: { watchedFolders: [folder], folderCollections: { [folder]: inbox.id } },
      }),
    );
  });
});
