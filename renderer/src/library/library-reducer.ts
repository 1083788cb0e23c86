import type { Collection } from '../../../shared/collections';
import {
  isIndexingStatus,
  libraryTotals,
  type DocumentInfo,
  type IndexHealth,
  type LibrarySnapshot,
} from '../../../shared/documents';
import type { StreamEvent } from '../api/event-types';

export function isIndexing(doc: DocumentInfo): boolean {
  return isIndexingStatus(doc.status);
}

const HEALTHY_INDEX: IndexHealth = { status: 'ok', damagedTables: [], error: null };

/**
 * Rows a large library keeps live in the window: the snapshot's newest rows and whatever
 * arrives after them. Past this, the oldest are dropped and the list pages from the core.
 */
export const LIVE_ROWS_CAP = 1_000;

export function emptyLibrary(): LibrarySnapshot {
  return {
    documents: [],
    complete: true,
    index: HEALTHY_INDEX,
    paused: false,
    watchedFolders: [],
    collections: [],
    folderCollections: {},
    totals: { documents: 0, chunks: 0, indexing: 0, failed: 0 },
  };
}

/**
 * Applies a batch of library events to a snapshot. Pure: the input is never mutated, and
 * untouched documents keep their identity so memoised rows do not re-render. The document
 * array is copied once per batch, not once per event, which keeps 10,000 rows cheap.
 */
export function applyLibraryEvents(
  state: LibrarySnapshot,
  events: readonly StreamEvent[],
): LibrarySnapshot {
  let docs: DocumentInfo[] | null = null;
  let index = new Map<string, number>();
  const removed = new Set<string>();
  let paused = state.paused;
  let totals = state.totals;
  let health = state.index;
  let watchedFolders = state.watchedFolders;
  let collections = state.collections;
  let folderCollections = state.folderCollections;
  let modelSwitch = state.modelSwitch;
  const setCollections = (change: (list: Collection[]) => Collection[]) => {
    collections = change(collections ?? []);
  };

  const writable = (): DocumentInfo[] => {
    if (!docs) {
      docs = state.documents.slice();
      index = new Map(docs.map((d, i) => [d.id, i]));
    }
    return docs;
  };
  const update = (id: string, change: (doc: DocumentInfo) => DocumentInfo) => {
    const list = writable();
    const at = index.get(id);
    if (at === undefined || removed.has(id)) return;
    const current = list[at];
    if (current) list[at] = change(current);
  };

  for (const event of events) {
    switch (event.type) {
      case 'document.added': {
        const list = writable();
        const { document } = event.data;
        const at = index.get(document.id);
        removed.delete(document.id);
        if (at === undefined) {
          index.set(document.id, list.length);
          list.push(document);
        } else list[at] = document;
        break;
      }
      case 'document.progress': {
        const { documentId, stage, done, total, fraction, etaMs, label } = event.data;
        update(documentId, (doc) => ({
          ...doc,
          status: stage,
          error: null,
          progress: { stage, done, total, fraction, etaMs, ...(label ? { label } : {}) },
          updatedAt: event.ts,
        }));
        break;
      }
      case 'document.ready': {
        const { documentId, chunks, pages, vectorsPending } = event.data;
        update(documentId, (doc) => ({
          ...doc,
          status: 'ready',
          chunks,
          pages: pages ?? doc.pages,
          vectorsPending,
          progress: null,
          error: null,
          updatedAt: event.ts,
        }));
        break;
      }
      case 'document.failed': {
        const { documentId, code, message } = event.data;
        update(documentId, (doc) => ({
          ...doc,
          status: 'failed',
          progress: null,
          error: { code, message },
          updatedAt: event.ts,
        }));
        break;
      }
      case 'document.removed':
        writable();
        removed.add(event.data.documentId);
        break;
      case 'queue.state':
        paused = event.data.paused;
        if (event.data.totals) totals = event.data.totals;
        break;
      case 'index.health':
        health = event.data;
        break;
      case 'model.switch':
        modelSwitch = event.data;
        break;
      case 'folders.updated':
        watchedFolders = event.data.watchedFolders;
        folderCollections = event.data.folderCollections ?? folderCollections;
        break;
      case 'collection.changed': {
        const { collection } = event.data;
        setCollections((list) =>
          [...list.filter((c) => c.id !== collection.id), collection].sort((a, b) =>
            a.name.localeCompare(b.name),
          ),
        );
        break;
      }
      case 'collection.deleted': {
        const { collectionId } = event.data;
        setCollections((list) => list.filter((c) => c.id !== collectionId));
        for (const doc of writable())
          if (doc.collections?.includes(collectionId))
            update(doc.id, (d) => ({
              ...d,
              collections: d.collections?.filter((id) => id !== collectionId),
            }));
        break;
      }
      case 'collection.members': {
        const { collectionId, added, removed: left } = event.data;
        for (const id of added)
          update(id, (d) =>
            d.collections?.includes(collectionId)
              ? d
              : { ...d, collections: [...(d.collections ?? []), collectionId] },
          );
        for (const id of left)
          update(id, (d) => ({
            ...d,
            collections: d.collections?.filter((c) => c !== collectionId),
          }));
        break;
      }
      default:
        break;
    }
  }

  if (!docs)
    return paused === state.paused &&
      watchedFolders === state.watchedFolders &&
      health === state.index &&
      totals === state.totals &&
      collections === state.collections &&
      folderCollections === state.folderCollections &&
      modelSwitch === state.modelSwitch
      ? state
      : {
          ...state,
          paused,
          watchedFolders,
          index: health,
          totals,
          collections,
          folderCollections,
          modelSwitch,
        };
  let documents: DocumentInfo[] = docs;
  if (removed.size > 0) documents = documents.filter((d) => !removed.has(d.id));
  let complete = state.complete;
  // Only growth trims: a list the core sent whole stays whole.
  if (documents.length > LIVE_ROWS_CAP && documents.length > state.documents.length) {
    documents = newestFirst(documents).slice(0, LIVE_ROWS_CAP);
    complete = false;
  }
  return {
    ...state,
    documents,
    complete,
    index: health,
    paused,
    watchedFolders,
    collections,
    folderCollections,
    modelSwitch,
    // A partial list cannot count the library: the core's totals come with queue.state.
    totals: complete ? libraryTotals(documents) : totals,
  };
}

/**
 * Newest first by when each document was added, so what was just dropped is on top.
 * Progress changes `updatedAt` many times a second; sorting by it would make rows jump.
 * The sort is stable: documents added in the same millisecond keep the core's order.
 */
export function newestFirst(documents: readonly DocumentInfo[]): DocumentInfo[] {
  return documents.slice().sort((a, b) => b.addedAt - a.addedAt);
}
