import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryPage, LibrarySnapshot } from '../../../shared/documents';
import { LibrarySnapshotSchema } from '../../../shared/documents';
import { LIBRARY_STREAM } from '../../../shared/streams';
import { createQuireCore, type QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { syntheticRecords, writeSyntheticLibrary } from '../../../test/helpers/synthetic-library';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { DocumentRegistry } from './document-registry';
import { libraryTotals } from '../../../shared/documents';
import { LibraryListing, queryDocuments } from './library-listing';

const DOCUMENTS = 20_000;
/**
 * The snapshot is sent on every subscribe and resume and parsed on the window's thread.
 * 128 KiB parses in about a millisecond; the full list of 20,000 rows was 6.3 MB.
 */
const SNAPSHOT_BUDGET_BYTES = 128 * 1024;

describe('a library of 20,000 documents over the contract', () => {
  let remove: () => Promise<void>;
  let core: QuireCore;
  const records = syntheticRecords(DOCUMENTS);

  beforeAll(async () => {
    let dir: string;
    ({ dir, remove } = await makeTempDir('quire-listing-'));
    const dataDir = path.join(dir, 'data');
    writeSyntheticLibrary(dataDir, records);
    core = await createQuireCore(
      {
        dataDir,
        transport: 'memory',
        startIndexing: false,
        logger: { error: () => {}, warn: () => {} },
      },
      { keychain: false },
    );
  });
  afterAll(async () => {
    await core.close();
    await remove();
  });

  it('sends a snapshot within its byte budget that still counts the whole library', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const snapshot = await new Promise<LibrarySnapshot>((resolve) => {
      const stop = client.follow(LIBRARY_STREAM, {
        onSnapshot: (r) => {
          stop();
          resolve(r.snapshot as LibrarySnapshot);
        },
        onEvent: () => {},
      });
    });
    client.close();
    const bytes = Buffer.byteLength(JSON.stringify(snapshot));
    expect(bytes).toBeLessThan(SNAPSHOT_BUDGET_BYTES);
    expect(LibrarySnapshotSchema.parse(snapshot)).toBeTruthy();
    expect(snapshot.complete).toBe(false);
    // Documents caught mid-flight went back to the queue on open: count them as the core does.
    expect(snapshot.totals).toEqual(libraryTotals(core.library.documents()));
    expect(snapshot.totals.documents).toBe(DOCUMENTS);
    expect(snapshot.totals.chunks).toBe(records.filter((r) => r.status === 'ready').length * 5);
    // The newest rows, newest first: what the list shows before any page arrives.
    expect(snapshot.documents[0]?.name).toBe('document-19999-scifact-abstract.txt');
    expect(snapshot.documents.map((d) => d.addedAt)).toEqual(
      snapshot.documents.map((d) => d.addedAt).sort((a, b) => b - a),
    );
    // The file hash stays in the core.
    expect(snapshot.documents[0]).not.toHaveProperty('contentHash');
  });

  it('pages through every document exactly once, newest first', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const seen: string[] = [];
    let total = -1;
    for (let offset = 0; ; offset += 1_000) {
      const result = await client.invoke('library.query', { offset, limit: 1_000 });
      if (!result.ok) throw new Error(result.error.message);
      const page: LibraryPage = result.value;
      total = page.total;
      if (page.documents.length === 0) break;
      seen.push(...page.documents.map((d) => d.id));
    }
    client.close();
    expect(total).toBe(DOCUMENTS);
    expect(seen).toHaveLength(DOCUMENTS);
    expect(new Set(seen).size).toBe(DOCUMENTS);
    const expected = records
      .slice()
      .sort((a, b) => b.addedAt - a.addedAt)
      .map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it('filters and searches in the core, and rejects a page too large', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const failed = await client.invoke('library.query', { filter: 'failed', limit: 5 });
    const search = await client.invoke('library.query', { search: 'DOCUMENT-01234' });
    const tooLarge = await client.invoke('library.query', { limit: 100_000 });
    client.close();
    if (!failed.ok || !search.ok) throw new Error('query failed');
    expect(failed.value.total).toBe(records.filter((r) => r.status === 'failed').length);
    expect(failed.value.documents.every((d) => d.status === 'failed')).toBe(true);
    expect(search.value.total).toBe(1);
    expect(search.value.documents[0]?.name).toBe('document-01234-scifact-abstract.txt');
    expect(tooLarge.ok ? 'accepted' : tooLarge.error.code).toBe('invalid_argument');
  });
});

describe('queryDocuments', () => {
  it('keeps documents added in the same millisecond in the registry order, across pages', () => {
    const records = syntheticRecords(50).map((r) => ({ ...r, addedAt: 1 }));
    const pages = [0, 20, 40].flatMap(
      (offset) => queryDocuments(records, { offset, limit: 20 }).documents,
    );
    expect(pages.map((d) => d.id)).toEqual(records.map((r) => r.id));
  });

  it('sorts by name as a person reads numbers', () => {
    const records = syntheticRecords(3).map((r, i) => ({ ...r, name: ['b10', 'B2', 'a1'][i]! }));
    expect(queryDocuments(records, { sort: 'name' }).documents.map((d) => d.name)).toEqual([
      'a1',
      'B2',
      'b10',
    ]);
  });
});

describe('LibraryListing', () => {
  it('keeps its order between pages and sees a change to the registry at once', async () => {
    const { dir, remove } = await makeTempDir('quire-listing-cache-');
    try {
      const registry = new DocumentRegistry(dir);
      for (const record of syntheticRecords(5)) registry.put(record);
      const listing = new LibraryListing(registry);
      expect(listing.query({ limit: 2 }).documents.map((d) => d.name.slice(0, 14))).toEqual([
        'document-00004',
        'document-00003',
      ]);
      const [newest] = syntheticRecords(1, { start: 1_800_000_000_000 });
      registry.put({ ...newest!, id: 'd_new', name: 'newest.txt', path: '/newest.txt' });
      registry.delete(syntheticRecords(5)[3]!.id);
      const page = listing.query({ limit: 3 });
      expect(page.total).toBe(5);
      expect(page.documents.map((d) => d.name.slice(0, 14))).toEqual([
        'newest.txt',
        'document-00004',
        'document-00002',
      ]);
      registry.close();
    } finally {
      await remove();
    }
  });
});
