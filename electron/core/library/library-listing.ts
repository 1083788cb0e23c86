import type {
  DocumentInfo,
  IndexHealth,
  LibraryFilter,
  LibraryPage,
  LibrarySnapshot,
  LibrarySort,
  LibraryTotals,
} from '../../../shared/documents';
import { isIndexingStatus, LIBRARY_SNAPSHOT_ROWS } from '../../../shared/documents';
import type { DocumentRecord } from './document-registry';

/*
 * How a library of any size is shown. The `library` stream's snapshot is sent whole on
 * every subscribe and resume; at 20,000 documents the full list was 6 MB. So the snapshot
 * carries what the window needs at once (totals, queue state, index health, watched
 * folders) and only the newest rows; `library.query` pages, filters and sorts the rest in
 * the core, where the registry already is. Core callers that need every document (the
 * CLI, quire mcp, tests) read `allDocuments` directly, never the wire snapshot.
 */

/** What a document shows outside the core: its file hash and mtime stay inside. */
export function documentRow(record: DocumentRecord): DocumentInfo {
  const { contentHash: _hash, mtimeMs: _mtime, ...row } = record;
  return row;
}

export function allDocuments(records: readonly DocumentRecord[]): DocumentInfo[] {
  return records.map(documentRow);
}

export type SnapshotState = {
  index: IndexHealth;
  paused: boolean;
  watchedFolders: readonly string[];
};

/** The snapshot around its first page (newest first) and the registry's running totals. */
export function librarySnapshot(
  first: LibraryPage,
  totals: LibraryTotals,
  state: SnapshotState,
): LibrarySnapshot {
  return {
    documents: first.documents,
    complete: first.total === first.documents.length,
    index: state.index,
    paused: state.paused,
    watchedFolders: [...state.watchedFolders],
    totals,
  };
}

export type LibraryQuery = {
  offset?: number;
  limit?: number;
  filter?: LibraryFilter;
  /** Matched, case-insensitively, against each document's name and path. */
  search?: string;
  /** Only documents in this collection. */
  collection?: string | null;
  sort?: LibrarySort;
};

function matchesFilter(doc: DocumentInfo, filter: LibraryFilter): boolean {
  if (filter === 'indexing') return isIndexingStatus(doc.status);
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

function matchingSorted(records: readonly DocumentRecord[], query: LibraryQuery) {
  const filter = query.filter ?? 'all';
  const search = (query.search ?? '').trim().toLocaleLowerCase();
  const matching = records.filter(
    (doc) =>
      matchesFilter(doc, filter) &&
      (!query.collection || (doc.collections?.includes(query.collection) ?? false)) &&
      (!search ||
        doc.name.toLocaleLowerCase().includes(search) ||
        doc.path.toLocaleLowerCase().includes(search)),
  );
  return sortRows(matching, query.sort ?? 'newest');
}

function page(sorted: readonly DocumentRecord[], query: LibraryQuery): LibraryPage {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? LIBRARY_SNAPSHOT_ROWS;
  return {
    total: sorted.length,
    offset,
    documents: sorted.slice(offset, offset + limit).map(documentRow),
  };
}

export function queryDocuments(
  records: readonly DocumentRecord[],
  query: LibraryQuery = {},
): LibraryPage {
  return page(matchingSorted(records, query), query);
}

type ListingSource = { all(): DocumentRecord[]; readonly version: number };

/**
 * Pages of one listing come in runs as the list scrolls: the filtered, sorted order is kept
 * until the registry changes, so each page after the first is a slice, not a sort of all.
 */
export class LibraryListing {
  private cached: { key: string; version: number; sorted: DocumentRecord[] } | null = null;

  constructor(private readonly source: ListingSource) {}

  query(query: LibraryQuery = {}): LibraryPage {
    const key = JSON.stringify([query.filter ?? 'all', query.search ?? '', query.sort ?? '']);
    const version = this.source.version;
    if (this.cached?.key !== key || this.cached.version !== version)
      this.cached = { key, version, sorted: matchingSorted(this.source.all(), query) };
    return page(this.cached.sorted, query);
  }
}
