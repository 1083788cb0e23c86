import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { scanTermStats } from '../store/term-scan';
import { termKey, TermStats } from '../language/term-stats';
import { makeChunk, tempDir } from '../../../test/helpers/store-fixtures';
import { TermStatsService } from './term-stats-service';

let store: Store;
let cleanup: () => Promise<void>;

const note = (i: number) =>
  i % 5 === 0 ? `Glacier ice number ${i} moves downhill.` : `The river bends past town ${i}.`;

async function addDocs(from: number, to: number) {
  for (let i = from; i < to; i++)
    await store.replaceDocumentChunks(`doc-${i}`, [makeChunk(0, note(i))]);
}

beforeEach(async () => {
  const tmp = await tempDir('quire-term-stats-');
  cleanup = tmp.cleanup;
  store = await openStore({ dir: tmp.dir, dims: 4 });
  await addDocs(0, 20);
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('scanTermStats', () => {
  it('counts the passages holding each word, as the texts themselves would', async () => {
    const progress: number[] = [];
    const stats = await scanTermStats(store, { onProgress: (n) => progress.push(n) });
    const direct = TermStats.fromTexts(Array.from({ length: 20 }, (_, i) => note(i)));
    expect(stats.passages).toBe(20);
    expect(progress.at(-1)).toBe(20);
    for (const word of ['glacier', 'river', 'bends', 'downhill', 'town'])
      expect(stats.documentFrequency(termKey(word))).toBe(direct.documentFrequency(termKey(word)));
    expect(stats.documentFrequency(termKey('glacier'))).toBe(4);
  });

  it('stops when asked', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(scanTermStats(store, { signal: abort.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});

describe('TermStatsService', () => {
  it('builds on first need, then answers at once', async () => {
    const service = new TermStatsService({ store });
    expect(service.current()).toBeNull();
    const stats = await service.get();
    expect(stats?.passages).toBe(20);
    expect(service.lastBuild).toMatchObject({ passages: 20, ms: expect.any(Number) });
    expect(await service.get()).toBe(stats);
    await service.close();
  });

  it('gives up waiting after waitMs, and the build goes on', async () => {
    const service = new TermStatsService({ store });
    expect(await service.get(0)).toBeNull();
    await service.whenIdle();
    expect(service.current()?.passages).toBe(20);
    await service.close();
  });

  it('rebuilds in the background only when the passages drifted by more than 10 %', async () => {
    let now = 0;
    const service = new TermStatsService({ store, checkEveryMs: 1000, now: () => now });
    const first = await service.get();
    await addDocs(20, 22); // +10 %: not more than 10 %
    now += 1000;
    expect(await service.get()).toBe(first);
    await service.whenIdle();
    expect(service.current()).toBe(first);

    await addDocs(22, 23); // +15 % of the 20 counted
    now += 999;
    await service.get(); // checked less than a second ago: no count yet
    await service.whenIdle();
    expect(service.current()).toBe(first);
    now += 1;
    // The read answers with what is there; the rebuild follows.
    expect(await service.get()).toBe(first);
    await service.whenIdle();
    expect(service.current()?.passages).toBe(23);
    await service.close();
  });
});
