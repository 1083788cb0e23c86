import { useMemo, useRef } from 'react';
import type { DocumentInfo } from '../../../shared/documents';
import {
  advanceEtas,
  documentEtas,
  libraryEta,
  NO_ETAS,
  type EtaState,
} from '../library/indexing-eta';

export type IndexingEtas = { documents: ReadonlyMap<string, number>; totalMs: number | null };

/** Time left per document and for the library, from rates smoothed over the snapshots seen. */
export function useIndexingEtas(documents: readonly DocumentInfo[] | undefined): IndexingEtas {
  const state = useRef<EtaState>(NO_ETAS);
  return useMemo(() => {
    // Folding the same snapshot twice changes nothing, so a repeated render is harmless.
    state.current = advanceEtas(state.current, documents ?? []);
    return { documents: documentEtas(state.current), totalMs: libraryEta(state.current) };
  }, [documents]);
}
