import type { DocumentInfo } from '../../../shared/documents';
import { isIndexing } from './library-reducer';

/**
 * Time left, estimated here from a smoothed rate rather than taken from each progress
 * event: a single event's rate swings wildly (a slow first page, a fast last batch), and
 * an ETA built on it said "about 2 min left" three seconds before the end.
 *
 * Times are the events' own timestamps (a document's `updatedAt`), so the estimate is a
 * pure function of the snapshots the library stream produces.
 */

/** Weight of the newest rate sample in the exponentially weighted average. */
const SMOOTHING = 0.3;
/** No estimate before this many rate samples, nor before this much time. */
const MIN_RATE_SAMPLES = 2;
const MIN_ELAPSED_MS = 1000;

export type Rate = {
  firstAt: number;
  lastAt: number;
  /** Work done so far, in documents (a document's fraction is 0..1). */
  done: number;
  /** Smoothed documents per millisecond; null until two updates are seen. */
  perMs: number | null;
  samples: number;
};

export function observeRate(rate: Rate | undefined, done: number, at: number): Rate {
  if (!rate) return { firstAt: at, lastAt: at, done, perMs: null, samples: 0 };
  // Events of one batch share a time: wait for a later one, which then counts this work too.
  if (at <= rate.lastAt) return rate;
  const sample = Math.max(0, done - rate.done) / (at - rate.lastAt);
  const perMs = rate.perMs === null ? sample : SMOOTHING * sample + (1 - SMOOTHING) * rate.perMs;
  return { ...rate, lastAt: at, done, perMs, samples: rate.samples + 1 };
}

/** Milliseconds left for `remaining` documents of work, or null while there is too little signal. */
export function estimateMs(rate: Rate | undefined, remaining: number): number | null {
  if (!rate || rate.perMs === null || rate.perMs <= 0) return null;
  if (rate.samples < MIN_RATE_SAMPLES || rate.lastAt - rate.firstAt < MIN_ELAPSED_MS) return null;
  return Math.max(0, remaining) / rate.perMs;
}

export type EtaState = {
  /** Per indexing document the window holds: its last fraction and its rate. */
  docs: ReadonlyMap<string, { fraction: number; rate: Rate }>;
  /** The whole library: documents' worth of work done, over time. */
  total: Rate | undefined;
  /** Documents' worth of work left in the whole library, queued documents included. */
  remaining: number;
};

export const NO_ETAS: EtaState = { docs: new Map(), total: undefined, remaining: 0 };

/**
 * The library's own counts, from its snapshot's totals. A large library's window holds only
 * some rows, so the library's estimate counts finished and waiting documents from these.
 */
export type LibraryCounts = { documents: number; indexing: number };

const fractionOf = (doc: DocumentInfo) => doc.progress?.fraction ?? 0;

/**
 * Folds one library snapshot, seen at `at`, into the rates. The input state is never mutated.
 * Each document's rate runs on its own events' times; the library's on `at`.
 */
export function advanceEtas(
  state: EtaState,
  documents: readonly DocumentInfo[],
  counts: LibraryCounts,
  at: number,
): EtaState {
  if (counts.indexing === 0) return NO_ETAS;
  const docs = new Map<string, { fraction: number; rate: Rate }>();
  let heldFraction = 0;
  for (const doc of documents) {
    if (!isIndexing(doc)) continue;
    const before = state.docs.get(doc.id);
    const fraction = fractionOf(doc);
    heldFraction += fraction;
    // A document indexed again starts over.
    const restarted = before !== undefined && fraction < before.fraction;
    const rate = observeRate(restarted ? undefined : before?.rate, fraction, doc.updatedAt);
    docs.set(doc.id, { fraction, rate });
  }
  // Finished documents count whole; those under way, by the fraction the window shows.
  const done = counts.documents - counts.indexing + heldFraction;
  // A snapshot with no progress adds no sample: the next progress spans the whole wait.
  const unchanged = state.total !== undefined && done === state.total.done;
  return {
    docs,
    total: unchanged ? state.total : observeRate(state.total, done, at),
    remaining: Math.max(0, counts.indexing - heldFraction),
  };
}

/** Time left per document, for the documents with enough signal. */
export function documentEtas(state: EtaState): Map<string, number> {
  const etas = new Map<string, number>();
  for (const [id, { fraction, rate }] of state.docs) {
    const ms = estimateMs(rate, 1 - fraction);
    if (ms !== null) etas.set(id, ms);
  }
  return etas;
}

/** Time left for everything being indexed, queued documents included. */
export function libraryEta(state: EtaState): number | null {
  return estimateMs(state.total, state.remaining);
}
