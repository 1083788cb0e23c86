import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { DocumentInfo, LibraryFilter, LibraryPage } from '../../../shared/documents';
import { request } from '../api/call';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/** Rows fetched per `library.query` call: a few screens of a 76 px list. */
export const PAGE_ROWS = 200;

export type DocumentPages = {
  /** Documents matching the filter, once the first page has answered. */
  total: number | null;
  rowAt: (index: number) => DocumentInfo | undefined;
  /** The list reports the rows in view; their pages (and one either side) are fetched. */
  showRange: (first: number, last: number) => void;
};

/**
 * A large library's list, page by page from the core: only the pages near the rows in
 * view are asked for. `live` rows (the library stream's newest, kept current by events)
 * win over a fetched copy, so progress moves without refetching.
 */
export function useDocumentPages(
  filter: LibraryFilter,
  search: string,
  collection: string | null,
  live: readonly DocumentInfo[],
): DocumentPages {
  const transport = useTransport();
  const [range, setRange] = useState({ first: 0, last: 0 });
  const wanted = useMemo(() => {
    const from = Math.max(0, Math.floor(range.first / PAGE_ROWS) - 1);
    const to = Math.floor(range.last / PAGE_ROWS) + 1;
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }, [range]);
  const results = useQueries({
    queries: wanted.map((page) => ({
      queryKey: queryKeys.library.page(filter, search, collection, page),
      queryFn: (): Promise<LibraryPage> =>
        request(transport, 'library.query', {
          offset: page * PAGE_ROWS,
          limit: PAGE_ROWS,
          filter,
          search,
          collection,
        }),
      placeholderData: keepPreviousData,
    })),
  });
  const liveById = useMemo(() => new Map(live.map((d) => [d.id, d])), [live]);
  // The last count seen for this filter: while a jump's pages load, the list keeps its
  // length (and its scroll position) instead of falling back to a spinner.
  const known = useRef<{ key: string; total: number } | null>(null);
  const filterKey = `${filter}\u0000${search}\u0000${collection ?? ''}`;
  const byPage = new Map<number, LibraryPage>();
  let total: number | null = known.current?.key === filterKey ? known.current.total : null;
  for (const [i, result] of results.entries()) {
    if (!result.data) continue;
    total ??= result.data.total;
    // A placeholder is another query's page: good for the count, not for the rows.
    if (result.isPlaceholderData) continue;
    byPage.set(wanted[i]!, result.data);
    total = result.data.total;
    known.current = { key: filterKey, total };
  }
  const rowAt = (index: number) => {
    const page = byPage.get(Math.floor(index / PAGE_ROWS));
    const row = page?.documents[index - page.offset];
    return row ? (liveById.get(row.id) ?? row) : undefined;
  };
  const showRange = useCallback((first: number, last: number) => {
    setRange((r) =>
      Math.floor(r.first / PAGE_ROWS) === Math.floor(first / PAGE_ROWS) &&
      Math.floor(r.last / PAGE_ROWS) === Math.floor(last / PAGE_ROWS)
        ? r
        : { first, last },
    );
  }, []);
  return { total, rowAt, showRange };
}
