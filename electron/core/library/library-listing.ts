import type {
  DocumentInfo,
  DocumentStatus,
  IndexHealth,
  LibraryFilter,
  LibraryPage,
  LibrarySnapshot,
  LibrarySort,
  LibraryTotals,
} from '../../../shared/documents';
import { LIBRARY_SNAPSHOT_ROWS } from '../../../shared/documents';
import type { DocumentRecord } from './document-registry';

/*
 * How a library of any size is shown. The `library` stream's snapshot is sent whole on
 * every subscribe and resume; at 20,000 documents the full list was 6 MB. So the snapshot
 * carries what the window needs at once (totals, queue state, index health, watched
 * folders) and only the newest rows; `library.query` pages, filters and sorts the rest in
 * the core, where the registry already is. Core callers that need every document (the
 * CLI, quire mcp, tests) read `allDocuments` directly, never the wire snapshot.
 */

const INDEXING: ReadonlySet<DocumentStatus> = new Set([
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'writing',
]);

/** What a document shows outside the core: its file hash and mtime stay inside. */
export function documentRow(record: DocumentRecord): DocumentInfo {
  const { contentHash: _hash, mtimeMs: _mtime, ...row } = record;
  return row;
}

export function allDocuments(records: readonly DocumentRecord[]): DocumentInfo[] {
  return records.map(documentRow);
}

export function libraryTotals(records: readonly DocumentInfo[]): LibraryTotals {
  let chunks = 0;
  let indexing = 0;
  let failed = 0;
  for (const doc of records) {
    if (doc.status === 'ready') chunks += doc.chunks;
    else if (doc.status === 'failed') failed++;
    else if (INDEXING.has(doc.status)) indexing++;
  }
  return { documents: records.length, chunks, indexing, failed };
}

export type SnapshotState = {
  index: IndexHealth;
  paused: boolean;
  watchedFolders: readonly string[];
};

export function librarySnapshot(
  records: readonly DocumentRecord[],
  state: SnapshotState,
  rows = LIBRARY_SNAPSHOT_ROWS,
): LibrarySnapshot {
  const page = queryDocuments(records, { offset: 0, limit: rows });
  return {
    documents: page.documents,
    complete: page.total === page.documents.length,
    index: state.index,
    paused: state.paused,
    watchedFolders: [...state.watchedFolders],
    totals: libraryTotals(records),
  };
}

export type LibraryQuery = {
  offset?: number;
  limit?: number;
  filter?: LibraryFilter;
  /** Matched, case-insensitively, against each document's name and path. */
  search?: string;
  sort?: LibrarySort;
};

function matchesFilter(doc: DocumentInfo, filter: LibraryFilter): boolean {
  if (filter === 'indexing') return INDEXING.has(doc.status);
  if (filter === 'failed') return doc.status === 'failed' || doc.status === 'cancelled';
  if (filter === 'ready') return doc.status === 'ready';
  return true;
}

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Newest first by when each document was added, so what was just dropped is on top;
 * `updatedAt` changes many times a second and would make rows jump. Every sort is
 * stable on the registry's own order, so pages never overlap or skip a document.
 */
function sortRows(rows: DocumentRecord[], sort: LibrarySort): DocumentRecord[] {
  if (sort === 'name') return rows.sort((a, b) => byName.compare(a.name, b.name));
  if (sort === 'oldest') return rows.sort((a, b) => a.addedAt - b.addedAt);
  return rows.sort((a, b) => b.addedAt - a.addedAt);
}

export function queryDocuments(
  records: readonly DocumentRecord[],
  query: LibraryQuery = {},
): LibraryPage {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? LIBRARY_SNAPSHOT_ROWS;
  const filter = query.filter ?? 'all';
  const search = (query.search ?? '').trim().toLocaleLowerCase();
  const matching = records.filter(
    (doc) =>
      matchesFilter(doc, filter) &&
      (!search ||
        doc.name.toLocaleLowerCase().includes(search) ||
        doc.path.toLocaleLowerCase().includes(search)),
  );
  const sorted = sortRows(matching, query.sort ?? 'newest');
  return {
    total: sorted.length,
    offset,
    documents: sorted.slice(offset, offset + limit).map(documentRow),
  };
}
