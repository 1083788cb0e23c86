import { describe, expect, it } from 'vitest';
import { fuseRrf } from './rrf';

describe('fuseRrf', () => {
  it('adds weighted reciprocal ranks and records the rank per source', () => {
    const fused = fuseRrf(
      [
        { source: 'vector', ids: ['a', 'b'], weight: 1 },
        { source: 'text', ids: ['b', 'c'], weight: 2 },
      ],
      60,
    );
    expect(fused.map((f) => f.id)).toEqual(['b', 'c', 'a']);
    expect(fused[0]).toEqual({ id: 'b', score: 1 / 62 + 2 / 61, ranks: { vector: 2, text: 1 } });
    expect(fused[2]?.ranks).toEqual({ vector: 1, text: null });
  });

  it('breaks exact ties by sources, best rank, source order, then id', () => {
    const fused = fuseRrf([
      { source: 'vector', ids: ['v1', 'z'], weight: 1 },
      { source: 'text', ids: ['t1', 'y'], weight: 1 },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['v1', 't1', 'z', 'y']);
  });

  it('counts only the first occurrence of a repeated id', () => {
    const fused = fuseRrf([{ source: 'text', ids: ['a', 'a', 'b'], weight: 1 }], 0);
    expect(fused.map((f) => [f.id, f.ranks.text])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    expect(fused[0]?.score).toBe(1);
  });
});
