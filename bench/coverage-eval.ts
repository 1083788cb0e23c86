// "Your documents don't say", measured: each SciFact claim is searched with the abstracts that
// answer it in the library and again with them left out; a good coverage decision abstains on
// the second and answers the first. Used by scripts/calibrate-coverage.ts and bench:check.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  parseJsonl,
  parseQrels,
  percentile,
  type BeirDoc,
} from '../electron/core/retrieval/beir-eval';
import {
  coverageSignals,
  decideCoverage,
  type CoverageSignals,
} from '../electron/core/retrieval/coverage';
import { search } from '../electron/core/retrieval/search';
import { openStore, type Store } from '../electron/core/store';
import { scanTermStats } from '../electron/core/store/term-scan';
import type { TermStats } from '../electron/core/language/term-stats';
import { machine, SCIFACT_CORPUS, type Machine } from './raw-ort-texts';

export const SCIFACT_DIR = process.env.QUIRE_SCIFACT_DIR ?? path.dirname(SCIFACT_CORPUS);
/** Chat's default top k (shared/settings.ts): the hits coverage sees in the app. */
export const COVERAGE_K = 6;
export const SPLIT_SEED = 1;

/** A claim and the abstracts that answer it (SUPPORT or CONTRADICT evidence). */
export type Claim = { id: string; text: string; gold: string[] };

type RawClaim = { _id: string; text: string; metadata?: Record<string, unknown> };

/**
 * The claims that some abstract answers. With SciFact's `metadata`, the gold is the abstracts
 * with evidence (claims without any, "not enough info", are left out: no abstract answers
 * them, and one is still cited as on-topic); without it, the qrels' relevant documents.
 */
export async function loadClaims(
  dir: string,
  split = 'train',
): Promise<{ corpus: BeirDoc[]; claims: Claim[] }> {
  const corpus = parseJsonl<{ _id: string; title?: string; text?: string }>(
    await readFile(path.join(dir, 'corpus.jsonl'), 'utf8'),
  ).map((d) => ({ id: String(d._id), title: d.title ?? '', text: d.text ?? '' }));
  const raw = parseJsonl<RawClaim>(await readFile(path.join(dir, 'queries.jsonl'), 'utf8'));
  const qrelsFile = path.join(dir, 'qrels', `${split}.tsv`);
  const qrels = existsSync(qrelsFile) ? parseQrels(await readFile(qrelsFile, 'utf8')) : new Map();
  const claims: Claim[] = [];
  for (const q of raw) {
    const id = String(q._id);
    const gold = q.metadata
      ? Object.keys(q.metadata)
      : [...(qrels.get(id)?.entries() ?? [])].filter(([, r]) => r > 0).map(([doc]) => doc);
    if (gold.length > 0) claims.push({ id, text: q.text, gold });
  }
  return { corpus, claims };
}

/** A seeded shuffle (mulberry32), so the halves are the same on every run and machine. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Fit half and check half of the claims, fixed by the seed. */
export function splitClaims(claims: readonly Claim[], seed = SPLIT_SEED) {
  const order = shuffled(
    [...claims].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })),
    seed,
  );
  const half = Math.ceil(order.length / 2);
  return { fit: order.slice(0, half), check: order.slice(half) };
}

/** The corpus in a real LanceDB store, one passage per abstract (title and text), full text only. */
export async function buildCorpusStore(
  corpus: readonly BeirDoc[],
): Promise<{ store: Store; ms: number; cleanup: () => Promise<void> }> {
  const started = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'quire-coverage-'));
  const store = await openStore({ dir, dims: 4 });
  for (let i = 0; i < corpus.length; i += 1000) {
    await store.replaceDocuments(
      corpus.slice(i, i + 1000).map((d) => ({
        docId: d.id,
        chunks: [
          {
            ordinal: 0,
            text: `${d.title}\n${d.text}`,
            pageStart: null,
            pageEnd: null,
            charStart: 0,
            charEnd: 0,
            headingPath: [],
            tokens: 0,
          },
        ],
      })),
    );
  }
  await store.optimize();
  const cleanup = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { store, ms: performance.now() - started, cleanup };
}

export type SignalRow = { id: string; present: boolean; signals: CoverageSignals };

/**
 * Each claim searched twice: the whole library (its answer present) and the library without its
 * gold abstracts (absent). Absent is a `NOT doc_id IN (...)` prefilter inside LanceDB, so BM25
 * ranks exactly what a library without them would (the idf still counts them: 1 to 4 abstracts
 * of 5,183, a negligible shift); one library serves every claim instead of one per claim.
 */
export async function collectSignals(
  store: Store,
  claims: readonly Claim[],
  termStats: TermStats | null,
  k = COVERAGE_K,
): Promise<{ rows: SignalRow[]; latencies: number[] }> {
  const rows: SignalRow[] = [];
  const latencies: number[] = [];
  const noTitles = async () => new Map();
  for (const claim of claims) {
    for (const present of [true, false]) {
      const started = performance.now();
      const result = await search(store, {
        query: claim.text,
        mode: 'text',
        k,
        resolveDocuments: noTitles,
        ...(present ? {} : { excludeDocIds: claim.gold }),
      });
      const signals = coverageSignals({
        query: claim.text,
        hits: result.hits,
        termStats,
        reranked: false,
      });
      latencies.push(performance.now() - started);
      rows.push({ id: claim.id, present, signals });
    }
  }
  return { rows, latencies };
}

export type AbstentionFigures = {
  claims: number;
  /** Share of claims abstained on when their answering abstracts are absent (want high). */
  abstainWhenAbsent: number;
  /** Share of claims abstained on when their answering abstracts are present (want <= 10 %). */
  falseAbstainWhenPresent: number;
};

/** The two rates for a decision (true: covered, answer; false: abstain). */
export function abstentionFigures(
  rows: readonly SignalRow[],
  covered: (signals: CoverageSignals) => boolean,
): AbstentionFigures {
  const absent = rows.filter((r) => !r.present);
  const present = rows.filter((r) => r.present);
  const share = (list: readonly SignalRow[], abstain: boolean) =>
    list.length === 0 ? 0 : list.filter((r) => covered(r.signals) !== abstain).length / list.length;
  return {
    claims: present.length,
    abstainWhenAbsent: share(absent, true),
    falseAbstainWhenPresent: share(present, true),
  };
}

export type AbstentionReport = AbstentionFigures & {
  half: 'fit' | 'check' | 'all';
  passages: number;
  storeMs: number;
  termStatsMs: number;
  /** Search plus coverage, per query. */
  p50Ms: number;
  p95Ms: number;
  machine: Machine;
};

export type AbstentionOptions = {
  /** A BEIR folder: corpus.jsonl, queries.jsonl (SciFact's `metadata`, or qrels/<split>.tsv). */
  dir?: string;
  split?: string;
  /** The calibration half of the claims (seed 1), or 'all' for a held-out set. */
  half?: 'fit' | 'check' | 'all';
  /** Claims to use instead of the folder's queries (their gold abstracts must be in its corpus). */
  claims?: readonly Claim[];
  k?: number;
};

/**
 * The shipped coverage decision (retrieval/coverage.ts, full-text only) on a BEIR claim set:
 * abstention when the answer is absent, false abstention when it is present. `half` picks the
 * calibration halves of SciFact train; a held-out set is read whole ('all').
 */
export async function evaluateAbstention(
  options: AbstentionOptions = {},
): Promise<AbstentionReport> {
  const dir = options.dir ?? SCIFACT_DIR;
  const half = options.half ?? 'check';
  const loaded = await loadClaims(dir, options.split ?? 'train');
  const { corpus } = loaded;
  const claims = options.claims ?? loaded.claims;
  const chosen = half === 'all' ? claims : splitClaims(claims)[half];
  const built = await buildCorpusStore(corpus);
  try {
    const started = performance.now();
    const termStats = await scanTermStats(built.store);
    const termStatsMs = performance.now() - started;
    const { rows, latencies } = await collectSignals(built.store, chosen, termStats, options.k);
    // The decision exactly as the app makes it, from the same signals.
    const figures = abstentionFigures(rows, (signals) => decideCoverage(signals).covered);
    return {
      ...figures,
      half,
      passages: termStats.passages,
      storeMs: built.ms,
      termStatsMs,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      machine: machine(),
    };
  } finally {
    await built.cleanup();
  }
}
