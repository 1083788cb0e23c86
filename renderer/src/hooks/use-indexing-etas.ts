import { useMemo, useRef } from 'react';
import type { DocumentInfo, LibraryTotals } from '../../../shared/documents';
import {
  advanceEtas,
  documentEtas,
  libraryEta,
  NO_ETAS,
  type EtaState,
} from '../library/indexing-eta';

export type IndexingEtas = { documents: ReadonlyMap<string, number>; totalMs: number | null };

/**
 * Time left per document (rows the window holds) and for the library (its totals), from
 * rates smoothed over the snapshots seen.
 */
export function useIndexingEtas(
  documents: readonly DocumentInfo[] | undefined,
  totals: LibraryTotals | undefined,
): IndexingEtas {
  const state = useRef<EtaState>(NO_ETAS);
  const documentCount = totals?.documents ?? 0;
  const indexing = totals?.indexing ?? 0;
  return useMemo(() => {
    state.current = advanceEtas(
      state.current,
      documents ?? [],
      { documents: documentCount, indexing },
      Date.now(),
    );
    return { documents: documentEtas(state.current), totalMs: libraryEta(state.current) };
  }, [documents, documentCount, indexing]);
}
