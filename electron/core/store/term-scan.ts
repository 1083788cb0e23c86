// The library's document frequencies, read from the words the full-text index was given.
import { QuireError } from '../../../shared/errors';
import { keysOfSearchText, TermStats } from '../language/term-stats';
import { FTS_COLUMN } from './fts-index';
import type { LanceStore } from './store';
import { guard } from './store-errors';

export type TermScanOptions = {
  /** Checked between batches: a scan that is no longer wanted (shutdown) stops there. */
  signal?: AbortSignal;
  /** Called after each batch with the passages counted so far. */
  onProgress?: (passages: number) => void;
};

// Lets timers, IPC and queries in; the scan is long on a big library but never in one piece.
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Passages counted between two turns of the event loop. */
const SLICE = 128;

/**
 * Counts, for every term key, the passages that hold it: one streamed pass over the chunks'
 * `fts_text` column (batches as LanceDB reads them, never the whole column in memory), with a
 * turn of the event loop every SLICE passages.
 */
export function scanTermStats(
  store: LanceStore,
  options: TermScanOptions = {},
): Promise<TermStats> {
  return guard('read the index words', async () => {
    const stats = new TermStats();
    for await (const batch of store.tables.chunks.query().select([FTS_COLUMN])) {
      if (options.signal?.aborted) throw new QuireError('cancelled', 'The word count was stopped.');
      const column = batch.getChild(FTS_COLUMN);
      for (let i = 0; i < batch.numRows; i++) {
        const value: unknown = column?.get(i);
        stats.addPassage(keysOfSearchText(typeof value === 'string' ? value : ''));
        // A batch of 1,024 abstracts is ~300 ms of stemming: too long to hold the thread.
        if (i % SLICE === SLICE - 1) await breathe();
      }
      options.onProgress?.(stats.passages);
      await breathe();
    }
    return stats;
  });
}
