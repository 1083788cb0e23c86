// "Your documents don't say": whether the library covers a question, decided from what
// retrieval found, before anything is generated.
import type { Coverage } from '../../../shared/answer-checks';
import { queryTermGroups } from '../language/search-text';
import { termKey, termKeys, type TermStats } from '../language/term-stats';
import type { SearchHit } from './search';

/** What coverage reads of a hit: its text and whatever scores the search produced. */
export type CoverageHit = Pick<SearchHit, 'text' | 'score' | 'bm25' | 'distance' | 'rerankScore'>;

export type CoverageInput = {
  query: string;
  /** In the order the user will see them (reranked when `reranked`). */
  hits: readonly CoverageHit[];
  /** The library's document frequencies; without them every query word weighs the same. */
  termStats?: TermStats | null;
  reranked: boolean;
  /** Languages of the library's documents (see SearchOptions.languages). */
  languages?: readonly string[];
};

export type CoverageSignals = Record<string, number | null>;

// The "rest" a top hit is compared with: hits 2..5.
const REST = 4;

/** (top1 - mean of the next REST) / |top1|: how far the best hit stands out; null below 2 values. */
function relativeGap(sorted: readonly number[]): number | null {
  if (sorted.length < 2) return null;
  const top = sorted[0]!;
  const rest = sorted.slice(1, 1 + REST);
  const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
  return top === 0 ? 0 : (top - mean) / Math.abs(top);
}

/** top1 - mean of the next REST, for scores already on a fixed scale (cosine similarity). */
function absoluteGap(sorted: readonly number[]): number | null {
  if (sorted.length < 2) return null;
  const rest = sorted.slice(1, 1 + REST);
  return sorted[0]! - rest.reduce((a, b) => a + b, 0) / rest.length;
}

const descending = (values: readonly (number | null)[]) =>
  values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => b - a);

type QueryTerm = { keys: string[]; weight: number };

/** The query's words as comparable keys, each weighed by its rarity in the library. */
function queryTerms(
  query: string,
  languages: readonly string[],
  stats: TermStats | null,
): QueryTerm[] {
  return queryTermGroups(query, languages).map((forms) => {
    const keys = [...new Set(forms.map(termKey))];
    // A word the library has never seen gets the highest idf: a passage must have it to count.
    const weight = stats ? Math.max(...keys.map((k) => stats.idf(k))) : 1;
    return { keys, weight };
  });
}

/** Share of the query's weight whose words appear in the passages' keys. */
function covered(terms: readonly QueryTerm[], passages: readonly ReadonlySet<string>[]): number {
  const total = terms.reduce((a, t) => a + t.weight, 0);
  if (total === 0) return 0;
  let found = 0;
  for (const term of terms)
    if (term.keys.some((k) => passages.some((p) => p.has(k)))) found += term.weight;
  return found / total;
}

/**
 * Everything the decision may read, by name. Scores that depend on the mode (BM25, cosine,
 * fused, reranker) are null when that mode did not score the hits; the coverage of the query's
 * words is always there (it reads only the passages' text).
 */
export function coverageSignals(input: CoverageInput): CoverageSignals {
  const stats = input.termStats ?? null;
  const terms = queryTerms(input.query, input.languages ?? [], stats);
  const top = input.hits.slice(0, 3).map((h) => new Set(termKeys(h.text)));
  const bm25 = descending(input.hits.map((h) => h.bm25));
  // Cosine similarity (1 - distance) is on a fixed scale; BM25 and RRF are not.
  const cosine = descending(input.hits.map((h) => (h.distance === null ? null : 1 - h.distance)));
  const fused = descending(input.hits.map((h) => h.score));
  const rerank = input.reranked ? descending(input.hits.map((h) => h.rerankScore)) : [];
  const idfMass = terms.reduce((a, t) => a + t.weight, 0);
  return {
    hits: input.hits.length,
    queryTerms: terms.length,
    // Null without the library's word statistics: then every query word weighed the same.
    termStatsPassages: stats ? stats.passages : null,
    // 1: every query word is in the best passage; rare words weigh most.
    cover1: top.length ? covered(terms, top.slice(0, 1)) : 0,
    cover3: top.length ? covered(terms, top) : 0,
    coverBest3: top.length ? Math.max(...top.map((p) => covered(terms, [p]))) : 0,
    bm25Top1: bm25[0] ?? null,
    bm25Gap: relativeGap(bm25),
    // BM25 saturates at idf·(k1 + 1) per word (k1 = 1.2): the share of that ceiling reached.
    bm25OfMax: bm25.length && stats && idfMass > 0 ? bm25[0]! / (2.2 * idfMass) : null,
    cosineTop1: cosine[0] ?? null,
    cosineGap: absoluteGap(cosine),
    fusedTop1: fused[0] ?? null,
    fusedGap: relativeGap(fused),
    rerankTop1: rerank[0] ?? null,
    rerankGap: absoluteGap(rerank),
  };
}

/**
 * A logistic model over some signals. Each feature has its weight and the mean it had in the
 * calibration data: a missing signal is read as that mean, so it moves nothing (neutral).
 */
export type CoverageModel = {
  name: string;
  /** All must be present for this model to be chosen. */
  requires: readonly string[];
  intercept: number;
  features: Readonly<Record<string, { weight: number; mean: number }>>;
  /** `covered` when the probability reaches this. */
  threshold: number;
};

/*
 * Fit by scripts/calibrate-coverage.ts (`npm run calibrate:coverage`) on 2026-12-06: SciFact
 * train claims with evidence (/work/shared/eval/scifact-dev, 5,183 abstracts), fit half of 253
 * claims (seed 1), each searched full-text only (k = 6) with its evidence abstracts present and
 * absent. Threshold at 8 % false abstention on the fit half (a margin: over 100 random halves,
 * a 10 % pick averaged 10.1 % on the other half, an 8 % pick 8.0 %). Check half (252 claims, never used to choose): abstains on 44.8 %
 * when the answer is absent, 8.3 % false abstention when present (text-plain: 37.7 %, 7.9 %).
 */

/** With the library's word statistics: query words weighed by idf. */
export const TEXT_MODEL: CoverageModel = {
  name: 'text',
  requires: ['termStatsPassages'],
  intercept: -4.2123,
  features: {
    cover1: { weight: 4.6772, mean: 0.6392 },
    bm25Gap: { weight: 4.4498, mean: 0.2897 },
  },
  threshold: 0.2434,
};

/** Before the statistics are built (a first question on a large library): words weigh the same. */
export const TEXT_PLAIN_MODEL: CoverageModel = {
  name: 'text-plain',
  requires: [],
  intercept: -4.0371,
  features: {
    cover1: { weight: 4.0971, mean: 0.6506 },
    bm25Gap: { weight: 4.9675, mean: 0.2897 },
  },
  threshold: 0.2532,
};

/**
 * Richest first; the first whose required signals are all present decides. Only full-text
 * models are fit: there are no real embedding or reranker weights where they were calibrated,
 * and coefficients fit on the test models' bag-of-word-pieces vectors would be guesses dressed
 * as measurements. Both models read signals every mode has (the words of the passages) or
 * reads as neutral when absent (bm25Gap in vector-only search takes its mean). The cosine,
 * fused and reranker signals are recorded in `signals`, for transparency and so that a model
 * over them can be fit with the same script once a real model is there; it goes first here.
 */
export const COVERAGE_MODELS: readonly CoverageModel[] = [TEXT_MODEL, TEXT_PLAIN_MODEL];

export function chooseModel(
  signals: CoverageSignals,
  models: readonly CoverageModel[] = COVERAGE_MODELS,
): CoverageModel {
  return models.find((m) => m.requires.every((name) => signals[name] != null)) ?? models.at(-1)!;
}

/** The model's probability that the library covers the question. */
export function coverageProbability(signals: CoverageSignals, model: CoverageModel): number {
  let z = model.intercept;
  for (const [name, { weight, mean }] of Object.entries(model.features))
    z += weight * (signals[name] ?? mean);
  return 1 / (1 + Math.exp(-z));
}

/** The decision from signals already read (see coverageSignals). */
export function decideCoverage(
  signals: CoverageSignals,
  models: readonly CoverageModel[] = COVERAGE_MODELS,
): Coverage {
  // Nothing found, or nothing to look for: no passage can answer.
  if (!signals.hits || !signals.queryTerms) return { covered: false, confidence: 0, signals };
  const model = chooseModel(signals, models);
  const confidence = coverageProbability(signals, model);
  return { covered: confidence >= model.threshold, confidence, signals };
}

/** Whether the library covers the question, from retrieval alone (no model is asked). */
export function assessCoverage(input: CoverageInput): Coverage {
  return decideCoverage(coverageSignals(input));
}
