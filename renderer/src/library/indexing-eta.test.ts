import { describe, expect, it } from 'vitest';
import type { DocumentInfo } from '../../../shared/documents';
import {
  advanceEtas,
  documentEtas,
  estimateMs,
  libraryEta,
  NO_ETAS,
  observeRate,
  type EtaState,
} from './indexing-eta';

function doc(id: string, fraction: number | null, at: number): DocumentInfo {
  const indexing = fraction !== null;
  return {
    id,
    path: `/docs/${id}.pdf`,
    name: `${id}.pdf`,
    kind: 'pdf',
    size: 1000,
    pages: null,
    status: indexing ? 'embedding' : 'ready',
    chunks: indexing ? 0 : 10,
    progress: indexing
      ? { stage: 'embedding', done: 0, total: 10, fraction, etaMs: 120_000 }
      : null,
    error: null,
    vectorsPending: false,
    embeddingModel: null,
    addedAt: 0,
    updatedAt: at,
  };
}

/**
 * Feeds snapshots in order, as the library stream produces them; each is seen at its newest
 * row's time, and the library's counts are those of the rows (a library the window holds whole).
 */
function run(snapshots: DocumentInfo[][]): EtaState {
  return snapshots.reduce(
    (state, rows) =>
      advanceEtas(state, rows, countsOf(rows), Math.max(...rows.map((d) => d.updatedAt))),
    NO_ETAS,
  );
}

function countsOf(rows: DocumentInfo[]) {
  return { documents: rows.length, indexing: rows.filter((d) => d.status !== 'ready').length };
}

describe('observeRate and estimateMs', () => {
  it('gives no estimate from one update, nor within the first second', () => {
    const one = observeRate(undefined, 0.1, 0);
    expect(estimateMs(one, 0.9)).toBeNull();
    const quick = [100, 200, 300].reduce((r, at, i) => observeRate(r, 0.1 * (i + 2), at), one);
    expect(quick.samples).toBe(3);
    expect(estimateMs(quick, 0.6)).toBeNull();
  });

  it('smooths a burst: one fast update moves the estimate only part of the way', () => {
    // Steady 0.1 per second, then one update at ten times that rate.
    let rate = observeRate(undefined, 0, 0);
    for (let s = 1; s <= 4; s++) rate = observeRate(rate, 0.1 * s, s * 1000);
    expect(estimateMs(rate, 0.6)).toBeCloseTo(6000);
    rate = observeRate(rate, 0.5, 4100);
    const eta = estimateMs(rate, 0.5)!;
    // The last update alone says 0.5 s; the steady rate says 5 s.
    expect(eta).toBeGreaterThan(1000);
    expect(eta).toBeLessThan(5000);
  });

  it('waits for a later time when events share one, and counts their work then', () => {
    let rate = observeRate(undefined, 0, 0);
    rate = observeRate(rate, 0.2, 1000);
    const same = observeRate(rate, 0.3, 1000);
    expect(same).toBe(rate);
    rate = observeRate(same, 0.4, 2000);
    expect(rate.perMs).toBeCloseTo(0.0002);
  });
});

describe('advanceEtas', () => {
  it('estimates a document from its smoothed rate, not from the core’s etaMs', () => {
    const state = run([
      [doc('a', 0, 0)],
      [doc('a', 0.1, 1000)],
      [doc('a', 0.2, 2000)],
      [doc('a', 0.3, 3000)],
    ]);
    expect(documentEtas(state).get('a')).toBeCloseTo(7000);
  });

  it('shows no estimate until there is enough signal', () => {
    const state = run([[doc('a', 0, 0)], [doc('a', 0.5, 500)]]);
    expect(documentEtas(state).has('a')).toBe(false);
    expect(libraryEta(state)).toBeNull();
  });

  it('estimates the whole library, queued documents and finished ones included', () => {
    // Two documents at a time, each taking 2 s: the library moves 1 document per second.
    const state = run([
      [doc('a', 0, 0), doc('b', 0, 0), doc('c', 0, 0), doc('d', 0, 0)],
      [doc('a', 0.5, 1000), doc('b', 0.5, 1000), doc('c', 0, 0), doc('d', 0, 0)],
      [doc('a', null, 2000), doc('b', null, 2000), doc('c', 0, 0), doc('d', 0, 0)],
      [doc('a', null, 2000), doc('b', null, 2000), doc('c', 0.5, 3000), doc('d', 0.5, 3000)],
    ]);
    expect(libraryEta(state)).toBeCloseTo(1000);
  });

  it('estimates a large library from its counts when the window holds none of the rows under way', () => {
    // 100 documents to index; two finish each second, none of them in the window.
    let state = NO_ETAS;
    for (let s = 0; s <= 3; s++)
      state = advanceEtas(
        state,
        [doc('old', null, 0)],
        { documents: 101, indexing: 100 - 2 * s },
        s * 1000,
      );
    expect(libraryEta(state)).toBeCloseTo(47_000);
  });

  it('takes no sample from a snapshot without progress, so showing one twice changes nothing', () => {
    const counts = (indexing: number) => ({ documents: 10, indexing });
    let state = NO_ETAS;
    for (let s = 0; s <= 3; s++) state = advanceEtas(state, [], counts(10 - s), s * 1000);
    const again = advanceEtas(state, [], counts(7), 3500);
    expect(again.total).toBe(state.total);
    expect(libraryEta(again)).toBeCloseTo(7000);
    // The wait shows in the next sample: one document in 2 s after three at one a second.
    const later = advanceEtas(again, [], counts(6), 5000);
    expect(later.total!.perMs!).toBeLessThan(state.total!.perMs!);
  });

  it('starts a document over when it is indexed again, and forgets everything when idle', () => {
    const busy = run([[doc('a', 0, 0)], [doc('a', 0.4, 1000)], [doc('a', 0.8, 2000)]]);
    expect(documentEtas(busy).has('a')).toBe(true);
    const again = advanceEtas(busy, [doc('a', 0.05, 2500)], { documents: 1, indexing: 1 }, 2500);
    expect(documentEtas(again).has('a')).toBe(false);
    expect(advanceEtas(busy, [doc('a', null, 3000)], { documents: 1, indexing: 0 }, 3000)).toBe(
      NO_ETAS,
    );
  });
});
