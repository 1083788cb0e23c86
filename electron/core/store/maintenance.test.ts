import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FTS_INDEX_NAME } from './fts-index';
import { DEFAULT_MAINTENANCE, OptimizeThrottle } from './maintenance';
import { openStore } from './open-store';
import type { Store } from './store';
import { makeChunks, tempDir } from '../../../test/helpers/store-fixtures';

describe('OptimizeThrottle', () => {
  it('is due after enough writes or enough time, never with nothing written', () => {
    let now = 0;
    const throttle = new OptimizeThrottle(
      { ...DEFAULT_MAINTENANCE, maxWritesBetween: 3, maxIntervalMs: 1000 },
      () => now,
    );
    expect(throttle.due()).toBe(false);
    throttle.note();
    throttle.note();
    expect(throttle.due()).toBe(false);
    throttle.note();
    expect(throttle.due()).toBe(true);
    throttle.reset();
    throttle.note();
    now = 999;
    expect(throttle.due()).toBe(false);
    now = 1000;
    expect(throttle.due()).toBe(true);
    throttle.reset();
    now = 5000;
    expect(throttle.due()).toBe(false);
  });

  it('lets cleanup lag one run behind', () => {
    const throttle = new OptimizeThrottle({ ...DEFAULT_MAINTENANCE, keepVersionsMs: 100 }, () => 0);
    expect(throttle.cleanupBefore(1000)).toBe(900);
    expect(throttle.cleanupBefore(1050)).toBe(950);
    expect(throttle.cleanupBefore(5000)).toBe(1050);
  });
});

describe('store maintenance', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: Store;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = await openStore({ dir, dims: 4, maintenance: { keepVersionsMs: 0 } });
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('keeps fragments under 100 and prunes versions across 300 small document writes', async () => {
    // Without the duty-cycle gate, optimize is due by write count alone, whatever the load.
    await store.close();
    store = await openStore({ dir, dims: 4, maintenance: { keepVersionsMs: 0, dutyFactor: 0 } });
    let optimized = 0;
    let maxFragments = 0;
    for (let d = 0; d < 300; d++) {
      const id = `doc${d}`;
      await store.replaceDocumentChunks(
        id,
        makeChunks(3, (i) => `document ${d} passage ${i}`),
      );
      if (await store.maybeOptimize()) optimized += 1;
      const f = await store.fragments();
      maxFragments = Math.max(maxFragments, f.chunks);
    }
    await store.maybeOptimize({ force: true });
    expect(maxFragments).toBeLessThan(100);
    // Due every 60 commits (one per document): five runs at least.
    expect(optimized).toBeGreaterThanOrEqual(300 / DEFAULT_MAINTENANCE.maxWritesBetween);
    const fragments = await store.fragments();
    expect(fragments.chunks).toBeLessThanOrEqual(2);
    expect(await store.countChunks()).toBe(900);
    // Cleanup lags one optimize run behind, so about one run's worth of versions remains.
    expect((await store.tables.chunks.listVersions()).length).toBeLessThan(
      DEFAULT_MAINTENANCE.maxWritesBetween + 10,
    );
    console.info(
      `[maintenance] max fragments ${maxFragments}, optimize runs ${optimized}, final ${JSON.stringify(fragments)}`,
    );
  });

  it('finds rows written after the last index build, and optimize folds them in', async () => {
    await store.replaceDocumentChunks(
      'a',
      makeChunks(2, (i) => `alpha passage ${i}`),
    );
    await store.optimize();
    await store.replaceDocumentChunks(
      'b',
      makeChunks(2, (i) => `bravo passage ${i}`),
    );
    const unindexed = await store.tables.chunks.indexStats(FTS_INDEX_NAME);
    expect(unindexed?.numUnindexedRows).toBe(2);
    const search = () =>
      store.tables.chunks.query().fullTextSearch('bravo').select(['id', '_score']).toArray();
    expect(await search()).toHaveLength(2);
    await store.optimize();
    expect((await store.tables.chunks.indexStats(FTS_INDEX_NAME))?.numUnindexedRows).toBe(0);
    expect(await search()).toHaveLength(2);
  });

  it('does nothing when forced with no writes pending', async () => {
    expect(await store.maybeOptimize({ force: true })).toBeNull();
  });
});
