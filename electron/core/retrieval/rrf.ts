export type RankedList<K extends string> = {
  source: K;
  /** Ids, best first. Duplicates after the first occurrence are ignored. */
  ids: readonly string[];
  weight: number;
};

export type Fused<K extends string> = {
  id: string;
  score: number;
  /** 1-based rank per source, null where the source did not return the id. */
  ranks: Record<K, number | null>;
};

/**
 * Weighted reciprocal rank fusion: score = Σ weight / (rrfK + rank). Implemented here, not
 * with LanceDB's reranker, so the weights are ours. Ties break deterministically: found by
 * more sources, then the best single rank, then the earlier source, then the id.
 */
export function fuseRrf<K extends string>(lists: readonly RankedList<K>[], rrfK = 60): Fused<K>[] {
  const byId = new Map<string, Fused<K>>();
  const emptyRanks = () =>
    Object.fromEntries(lists.map((l) => [l.source, null])) as Record<K, number | null>;
  for (const list of lists) {
    list.ids.forEach((id, index) => {
      let entry = byId.get(id);
      if (!entry) {
        entry = { id, score: 0, ranks: emptyRanks() };
        byId.set(id, entry);
      }
      if (entry.ranks[list.source] !== null) return;
      entry.ranks[list.source] = index + 1;
      entry.score += list.weight / (rrfK + index + 1);
    });
  }
  const order = lists.map((l) => l.source);
  const summary = (f: Fused<K>) => {
    const found = order.map((s) => f.ranks[s]).filter((r): r is number => r !== null);
    const best = Math.min(...found);
    return { count: found.length, best, source: order.findIndex((s) => f.ranks[s] === best) };
  };
  return [...byId.values()]
    .map((f) => ({ f, s: summary(f) }))
    .sort(
      (a, b) =>
        b.f.score - a.f.score ||
        b.s.count - a.s.count ||
        a.s.best - b.s.best ||
        a.s.source - b.s.source ||
        (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0),
    )
    .map(({ f }) => f);
}
