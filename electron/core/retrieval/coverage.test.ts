import { describe, expect, it } from 'vitest';
import { TermStats } from '../language/term-stats';
import {
  assessCoverage,
  chooseModel,
  COVERAGE_MODELS,
  coverageProbability,
  coverageSignals,
  TEXT_MODEL,
  TEXT_PLAIN_MODEL,
  type CoverageHit,
} from './coverage';

const hit = (text: string, scores: Partial<CoverageHit> = {}): CoverageHit => ({
  text,
  score: 1 / 61,
  bm25: null,
  distance: null,
  rerankScore: null,
  ...scores,
});

// "glacier" is in one passage of twenty, "river" in most: glacier carries the query's weight.
const STATS = TermStats.fromTexts([
  'Glacier ice moves slowly downhill.',
  ...Array.from({ length: 19 }, (_, i) => `The river bends past town number ${i}.`),
]);

describe('coverageSignals', () => {
  it('weighs the query words by their rarity in the library', () => {
    const query = 'glacier river';
    const onlyRiver = [hit('The river bends past the mill.')];
    const weighted = coverageSignals({ query, hits: onlyRiver, termStats: STATS, reranked: false });
    const plain = coverageSignals({ query, hits: onlyRiver, reranked: false });
    expect(plain.cover1).toBe(0.5);
    // The passage has the common word, not the rare one that carries the question.
    expect(weighted.cover1).toBeLessThan(0.2);
    expect(weighted.termStatsPassages).toBe(20);
    expect(plain.termStatsPassages).toBeNull();
  });

  it('ignores the question words and matches inflections', () => {
    const signals = coverageSignals({
      query: 'What are glaciers?',
      hits: [hit('A glacier is a river of ice.')],
      termStats: STATS,
      reranked: false,
    });
    expect(signals.queryTerms).toBe(1);
    expect(signals.cover1).toBe(1);
  });

  it('reads the best passage, the best three, and how far the best BM25 score stands out', () => {
    const hits = [
      hit('glacier lake', { bm25: 10 }),
      hit('river delta', { bm25: 4 }),
      hit('mountain pass', { bm25: 2 }),
    ];
    const s = coverageSignals({ query: 'glacier river', hits, reranked: false });
    expect(s).toMatchObject({ hits: 3, queryTerms: 2, cover1: 0.5, cover3: 1, coverBest3: 0.5 });
    expect(s.bm25Top1).toBe(10);
    expect(s.bm25Gap).toBeCloseTo((10 - 3) / 10);
    // BM25's ceiling needs the idf mass, which needs the library's statistics.
    expect(s.bm25OfMax).toBeNull();
    expect(s.cosineTop1).toBeNull();
    expect(s.rerankTop1).toBeNull();
  });

  it('records the cosine and reranker signals when those scores exist', () => {
    const hits = [
      hit('glacier', { distance: 0.2, rerankScore: 3 }),
      hit('river', { distance: 0.6, rerankScore: -1 }),
    ];
    const s = coverageSignals({ query: 'glacier', hits, reranked: true });
    expect(s.cosineTop1).toBeCloseTo(0.8);
    expect(s.cosineGap).toBeCloseTo(0.4);
    expect(s.rerankTop1).toBe(3);
    expect(s.rerankGap).toBe(4);
    expect(coverageSignals({ query: 'glacier', hits, reranked: false }).rerankTop1).toBeNull();
  });
});

describe('assessCoverage', () => {
  it('is not covered when nothing was found or nothing was asked', () => {
    expect(assessCoverage({ query: 'glacier', hits: [], reranked: false })).toMatchObject({
      covered: false,
      confidence: 0,
    });
    expect(
      assessCoverage({ query: '?!', hits: [hit('glacier', { bm25: 1 })], reranked: false }),
    ).toMatchObject({ covered: false, confidence: 0 });
  });

  it('is covered when the best passage has the words and stands out', () => {
    const hits = [
      hit('Glacier ice moves slowly downhill.', { bm25: 9 }),
      ...Array.from({ length: 5 }, (_, i) => hit(`The river bends ${i}.`, { bm25: 1 })),
    ];
    const coverage = assessCoverage({
      query: 'How fast does glacier ice move?',
      hits,
      termStats: STATS,
      reranked: false,
    });
    expect(coverage.covered).toBe(true);
    expect(coverage.confidence).toBeGreaterThan(TEXT_MODEL.threshold);
  });

  it('is not covered when the best passage lacks the rare words and does not stand out', () => {
    const hits = Array.from({ length: 6 }, (_, i) => hit(`The river bends ${i}.`, { bm25: 2 }));
    const coverage = assessCoverage({
      query: 'glacier river',
      hits,
      termStats: STATS,
      reranked: false,
    });
    expect(coverage.covered).toBe(false);
    expect(coverage.confidence).toBeLessThan(TEXT_MODEL.threshold);
  });

  it('uses the plain-weights model until the statistics exist, and reads a missing signal as neutral', () => {
    const signals = { hits: 6, queryTerms: 2, cover1: 1, bm25Gap: null, termStatsPassages: null };
    expect(chooseModel(signals)).toBe(TEXT_PLAIN_MODEL);
    expect(chooseModel({ ...signals, termStatsPassages: 100 })).toBe(TEXT_MODEL);
    // Vector-only search has no BM25: the gap counts as its calibration mean.
    const mean = TEXT_PLAIN_MODEL.features.bm25Gap!.mean;
    expect(coverageProbability(signals, TEXT_PLAIN_MODEL)).toBeCloseTo(
      coverageProbability({ ...signals, bm25Gap: mean }, TEXT_PLAIN_MODEL),
    );
  });

  it('has fitted models whose confidence rises with each signal', () => {
    for (const model of COVERAGE_MODELS) {
      expect(Object.keys(model.features).length).toBeGreaterThan(0);
      for (const { weight } of Object.values(model.features)) expect(weight).toBeGreaterThan(0);
      expect(model.threshold).toBeGreaterThan(0);
      expect(model.threshold).toBeLessThan(1);
    }
  });
});
