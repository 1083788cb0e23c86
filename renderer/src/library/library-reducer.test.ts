import { describe, expect, it } from 'vitest';
import { libraryTotals } from '../../../shared/documents';
import type { DocumentInfo, LibrarySnapshot } from '../../../shared/documents';
import type { StreamEvent } from '../api/event-types';
import { makeEvent } from '../../../test/helpers/stream-events';
import { applyLibraryEvents, emptyLibrary, LIVE_ROWS_CAP, newestFirst } from './library-reducer';

const S = 'library';

function doc(id: string, over: Partial<DocumentInfo> = {}): DocumentInfo {
  return {
    id,
    path: `/docs/${id}.pdf`,
    name: `${id}.pdf`,
    kind: 'pdf',
    size: 1000,
    pages: null,
    status: 'queued',
    chunks: 0,
    progress: null,
    error: null,
    vectorsPending: false,
    embeddingModel: null,
    addedAt: 1,
    updatedAt: 1,
    ...over,
  };
}

function snapshot(documents: DocumentInfo[]): LibrarySnapshot {
  return { ...emptyLibrary(), documents, totals: libraryTotals(documents) };
}

/** The event sequence of one PDF indexed end to end, as the core emits it. */
function lifecycle(id: string, seq = 1): StreamEvent[] {
  return [
    makeEvent(S, seq, 'document.added', { document: doc(id) }),
    makeEvent(S, seq + 1, 'queue.state', { paused: false, pending: 1, active: 0 }),
    makeEvent(S, seq + 2, 'document.progress', {
      documentId: id,
      stage: 'parsing',
      done: 3,
      total: 9,
      fraction: 0.1,
      etaMs: 9000,
    }),
    makeEvent(S, seq + 3, 'document.progress', {
      documentId: id,
      stage: 'embedding',
      done: 20,
      total: 40,
      fraction: 0.6,
      etaMs: 2000,
    }),
    makeEvent(S, seq + 4, 'document.ready', {
      documentId: id,
      chunks: 40,
      pages: 9,
      ms: 5000,
      vectorsPending: false,
    }),
  ];
}

describe('applyLibraryEvents', () => {
  it('follows a document from added to ready, with progress on the way', () => {
    const events = lifecycle('a');
    let state = emptyLibrary();
    const seen: DocumentInfo[] = [];
    for (const e of events) {
      state = applyLibraryEvents(state, [e]);
      if (state.documents[0]) seen.push(state.documents[0]);
    }
    expect(seen.map((d) => d.status)).toEqual([
      'queued',
      'queued',
      'parsing',
      'embedding',
      'ready',
    ]);
    expect(seen[2]?.progress).toMatchObject({ done: 3, total: 9, etaMs: 9000 });
    expect(state.documents[0]).toMatchObject({
      status: 'ready',
      chunks: 40,
      pages: 9,
      progress: null,
    });
    expect(state.totals).toEqual({ documents: 1, chunks: 40, indexing: 0, failed: 0 });
  });

  it('gives the same result in one batch as event by event', () => {
    const events = [...lifecycle('a'), ...lifecycle('b', 6)];
    const oneByOne = events.reduce((s, e) => applyLibraryEvents(s, [e]), emptyLibrary());
    expect(applyLibraryEvents(emptyLibrary(), events)).toEqual(oneByOne);
  });

  it('records failures with their code and message, and counts them', () => {
    const state = applyLibraryEvents(snapshot([doc('x', { status: 'parsing' })]), [
      makeEvent(S, 1, 'document.failed', {
        documentId: 'x',
        code: 'password_required',
        message: 'This PDF is protected by a password.',
      }),
    ]);
    expect(state.documents[0]).toMatchObject({
      status: 'failed',
      error: { code: 'password_required' },
    });
    expect(state.totals.failed).toBe(1);
    expect(state.totals.indexing).toBe(0);
  });

  it('re-adding a failed document (retry) replaces it in place', () => {
    const failed = doc('x', { status: 'failed', error: { code: 'wrong_password', message: 'no' } });
    const state = applyLibraryEvents(snapshot([doc('a'), failed, doc('b')]), [
      makeEvent(S, 1, 'document.added', { document: doc('x') }),
    ]);
    expect(state.documents.map((d) => d.id)).toEqual(['a', 'x', 'b']);
    expect(state.documents[1]?.status).toBe('queued');
  });

  it('removes documents and keeps the identity of untouched rows', () => {
    const start = snapshot([doc('a'), doc('b'), doc('c')]);
    const state = applyLibraryEvents(start, [
      makeEvent(S, 1, 'document.removed', { documentId: 'b' }),
      makeEvent(S, 2, 'document.progress', {
        documentId: 'b',
        stage: 'parsing',
        done: 1,
        total: 2,
        fraction: 0.2,
        etaMs: null,
      }),
    ]);
    expect(state.documents.map((d) => d.id)).toEqual(['a', 'c']);
    expect(state.documents[0]).toBe(start.documents[0]);
    expect(state.totals.documents).toBe(2);
  });

  it('tracks the paused flag and leaves the snapshot untouched by unrelated events', () => {
    const start = snapshot([doc('a')]);
    const paused = applyLibraryEvents(start, [
      makeEvent(S, 1, 'queue.state', { paused: true, pending: 1, active: 0 }),
    ]);
    expect(paused.paused).toBe(true);
    expect(paused.documents).toBe(start.documents);
    expect(applyLibraryEvents(start, [makeEvent(S, 1, 'ping', {})])).toBe(start);
  });

  it('takes the watched-folder list from the latest folders.updated event', () => {
    const start = snapshot([doc('a')]);
    const watched = applyLibraryEvents(start, [
      makeEvent(S, 1, 'folders.updated', { watchedFolders: ['/notes'] }),
      makeEvent(S, 2, 'folders.updated', { watchedFolders: ['/notes', '/papers'] }),
    ]);
    expect(watched.watchedFolders).toEqual(['/notes', '/papers']);
    expect(watched.documents).toBe(start.documents);
    expect(start.watchedFolders).toEqual([]);

    // Mixed with document events in one frame's batch, the list still lands.
    const mixed = applyLibraryEvents(watched, [
      makeEvent(S, 3, 'document.added', { document: doc('b') }),
      makeEvent(S, 4, 'folders.updated', { watchedFolders: ['/papers'] }),
    ]);
    expect(mixed.watchedFolders).toEqual(['/papers']);
    expect(mixed.documents.map((d) => d.id)).toEqual(['a', 'b']);
  });

  it('follows the index health: damaged, rebuilding (documents re-queued), then ok', () => {
    const damaged = {
      status: 'damaged' as const,
      damagedTables: ['chunks'],
      error: { code: 'table_damaged' as const, message: 'The search index is damaged.' },
    };
    const start = snapshot([doc('a', { status: 'ready', chunks: 3 })]);
    const broken = applyLibraryEvents(start, [makeEvent(S, 1, 'index.health', damaged)]);
    expect(broken.index).toEqual(damaged);
    expect(broken.documents).toBe(start.documents);
    const rebuilding = applyLibraryEvents(broken, [
      makeEvent(S, 2, 'index.health', { ...damaged, status: 'rebuilding', error: null }),
      makeEvent(S, 3, 'document.added', { document: doc('a') }),
    ]);
    expect(rebuilding.index.status).toBe('rebuilding');
    expect(rebuilding.totals).toMatchObject({ indexing: 1, chunks: 0 });
    const healed = applyLibraryEvents(rebuilding, [
      makeEvent(S, 4, 'index.health', { status: 'ok', damagedTables: [], error: null }),
    ]);
    expect(healed.index.status).toBe('ok');
  });

  it('ignores progress for unknown documents', () => {
    const state = applyLibraryEvents(emptyLibrary(), [
      makeEvent(S, 1, 'document.ready', {
        documentId: 'ghost',
        chunks: 1,
        pages: null,
        ms: 1,
        vectorsPending: false,
      }),
    ]);
    expect(state.documents).toEqual([]);
  });

  it('handles 10,000 documents with a batch of progress events quickly enough to stay pure', () => {
    const docs = Array.from({ length: 10_000 }, (_, i) =>
      doc(`d${i}`, { status: 'ready', chunks: 2 }),
    );
    const start = snapshot(docs);
    const events = Array.from({ length: 50 }, (_, i) =>
      makeEvent(S, i + 1, 'document.progress', {
        documentId: `d${i * 100}`,
        stage: 'embedding',
        done: i,
        total: 50,
        fraction: i / 50,
        etaMs: null,
      }),
    );
    const state = applyLibraryEvents(start, events);
    expect(state.totals.indexing).toBe(50);
    expect(state.totals.chunks).toBe((10_000 - 50) * 2);
    expect(start.documents[0]?.status).toBe('ready'); // input untouched
  });
});

describe('collection events', () => {
  const rivers = { id: 'k1', name: 'Rivers', createdAt: 1, updatedAt: 1, documentCount: 0 };
  it('keep the collections sorted, follow membership, and forget a deleted one everywhere', () => {
    const start = snapshot([doc('a'), doc('b', { collections: ['k1'] })]);
    const alps = { ...rivers, id: 'k2', name: 'Alps' };
    const filled = applyLibraryEvents(start, [
      makeEvent(S, 1, 'collection.changed', { collection: rivers }),
      makeEvent(S, 2, 'collection.changed', { collection: alps }),
      makeEvent(S, 3, 'collection.members', { collectionId: 'k2', added: ['a', 'b'], removed: [] }),
      makeEvent(S, 4, 'collection.members', { collectionId: 'k1', added: [], removed: ['b'] }),
      makeEvent(S, 5, 'collection.changed', { collection: { ...rivers, name: 'Streams' } }),
    ]);
    expect(filled.collections?.map((c) => c.name)).toEqual(['Alps', 'Streams']);
    expect(filled.documents.map((d) => d.collections)).toEqual([['k2'], ['k2']]);
    expect(start.documents[1]!.collections).toEqual(['k1']); // input untouched

    const deleted = applyLibraryEvents(filled, [
      makeEvent(S, 6, 'collection.deleted', { collectionId: 'k2' }),
    ]);
    expect(deleted.collections?.map((c) => c.id)).toEqual(['k1']);
    expect(deleted.documents.map((d) => d.collections)).toEqual([[], []]);
    expect(deleted.documents).toHaveLength(2);
  });

  it('takes a watched folder’s collection from folders.updated, and keeps it when absent', () => {
    const fed = applyLibraryEvents(emptyLibrary(), [
      makeEvent(S, 1, 'folders.updated', {
        watchedFolders: ['/a'],
        folderCollections: { '/a': 'k1' },
      }),
      makeEvent(S, 2, 'folders.updated', { watchedFolders: ['/a', '/b'] }),
    ]);
    expect(fed.watchedFolders).toEqual(['/a', '/b']);
    expect(fed.folderCollections).toEqual({ '/a': 'k1' });
  });
});

describe('a library larger than the window holds', () => {
  const added = (from: number, count: number, seq = 1) =>
    Array.from({ length: count }, (_, i) =>
      makeEvent(S, seq + i, 'document.added', {
        document: doc(`n${from + i}`, { addedAt: 1_000 + from + i }),
      }),
    );

  it('keeps the newest rows live and takes its totals from the core', () => {
    const rows = Array.from({ length: 200 }, (_, i) => doc(`d${i}`, { addedAt: 500 - i }));
    const totals = { documents: 20_000, chunks: 90_000, indexing: 0, failed: 3 };
    const start: LibrarySnapshot = { ...snapshot(rows), complete: false, totals };
    const grown = { documents: 20_900, chunks: 90_000, indexing: 900, failed: 3 };
    const state = applyLibraryEvents(start, [
      ...added(0, 900),
      makeEvent(S, 901, 'queue.state', { paused: false, pending: 900, active: 0, totals: grown }),
    ]);
    expect(state.complete).toBe(false);
    expect(state.documents).toHaveLength(LIVE_ROWS_CAP);
    expect(state.documents[0]?.id).toBe('n899');
    expect(state.documents.at(-1)?.id).toBe('d99');
    expect(state.totals).toEqual(grown);
    // Progress for a row no longer held changes nothing here: its page shows it.
    const later = applyLibraryEvents(state, [
      makeEvent(S, 902, 'document.failed', { documentId: 'd150', code: 'internal', message: 'x' }),
    ]);
    expect(later.totals).toEqual(grown);
  });

  it('turns a small library into a paged one when a large drop outgrows the window', () => {
    const start = snapshot([doc('a', { addedAt: 1 })]);
    const state = applyLibraryEvents(start, added(0, LIVE_ROWS_CAP + 200));
    expect(state.complete).toBe(false);
    expect(state.documents).toHaveLength(LIVE_ROWS_CAP);
    expect(state.documents.some((d) => d.id === 'a')).toBe(false);
  });
});

describe('newestFirst', () => {
  it('puts the newest documents first, and keeps the order of ones added together', () => {
    const docs = [
      doc('old', { addedAt: 100 }),
      doc('batch-a', { addedAt: 300 }),
      doc('batch-b', { addedAt: 300 }),
      doc('middle', { addedAt: 200, updatedAt: 999 }),
    ];
    expect(newestFirst(docs).map((d) => d.id)).toEqual(['batch-a', 'batch-b', 'middle', 'old']);
    expect(docs[0]!.id).toBe('old');
  });

  it('puts a document added by an event above the ones already there', () => {
    const state = snapshot([doc('a', { addedAt: 10 }), doc('b', { addedAt: 20 })]);
    const added = doc('new', { addedAt: 30 });
    const next = applyLibraryEvents(state, [
      makeEvent(S, 1, 'document.added', { document: added }),
    ]);
    expect(newestFirst(next.documents).map((d) => d.id)).toEqual(['new', 'b', 'a']);
  });
});
