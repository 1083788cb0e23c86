// Sentence sets for the answer check, built from SciFact's TRAIN claims and their gold abstracts.
import fs from 'node:fs';
import { resolve } from 'node:path';
import { STOP_SETS } from '../electron/core/language/stop-words';
import type { TermStats } from '../electron/core/language/term-stats';
import { termKey, termKeys } from '../electron/core/language/term-stats';
import { findQuantities } from '../electron/core/checking/quantities';
import { SCIFACT_CORPUS } from './raw-ort-texts';

export const SCIFACT_QUERIES = resolve(SCIFACT_CORPUS, '../queries.jsonl');

export type Abstract = { id: string; text: string };
export type Claim = {
  id: string;
  text: string;
  /** Gold abstracts and how each bears on the claim. */
  evidence: Array<{ docId: string; label: 'SUPPORT' | 'CONTRADICT' }>;
};
export type CheckCase = { set: string; claimId: string; sentence: string; passages: string[] };

export function loadCorpus(file = SCIFACT_CORPUS): Abstract[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const doc = JSON.parse(line) as { _id: string; title: string; text: string };
      return { id: doc._id, text: `${doc.title}\n\n${doc.text}` };
    });
}

export function loadClaims(file = SCIFACT_QUERIES): Claim[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const q = JSON.parse(line) as {
        _id: string;
        text: string;
        metadata: Record<string, Array<{ label: 'SUPPORT' | 'CONTRADICT' }>>;
      };
      const evidence = Object.entries(q.metadata ?? {}).map(([docId, sets]) => ({
        docId,
        label: sets[0]!.label,
      }));
      return { id: q._id, text: q.text, evidence };
    });
}

/** A small seeded generator, so every run builds the same sets. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const isWordKey = (k: string) => k.length >= 3 && !/\p{N}/u.test(k) && !STOP_SETS.en!.has(k);

/** The same claim with one number changed: the last digit moves by one (a word number by one too). */
export function changeNumber(claim: string): string | null {
  const [first] = findQuantities(claim);
  if (!first) return null;
  const at = first.index;
  const written = claim.slice(at, at + first.text.length);
  const digit = /\d(?!.*\d)/.exec(written);
  let changed: string;
  if (digit) {
    const i = digit.index;
    const next = (Number(digit[0]) + 1) % 10;
    changed = written.slice(0, i) + String(next) + written.slice(i + 1);
  } else {
    const words = [
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
      'ten',
      'eleven',
    ];
    const w = words.findIndex((x) => written.toLowerCase().startsWith(x));
    if (w < 0) return null;
    changed = words[w + 1]! + written.slice(words[w]!.length);
  }
  return claim.slice(0, at) + changed + claim.slice(at + written.length);
}

/** Surface words of a text whose comparable key is `key`. */
function surfaceOf(text: string, key: string): string | null {
  for (const m of text.matchAll(/[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*/gu))
    if (termKeys(m[0]).includes(key) || termKey(m[0].toLowerCase()) === key) return m[0];
  return null;
}

/**
 * The claim with its rarest word shared with the gold abstract swapped for a rare word from
 * another abstract (one the gold abstract does not have).
 */
export function swapRareWord(
  claim: string,
  gold: string,
  other: string,
  stats: TermStats,
): string | null {
  const goldKeys = new Set(termKeys(gold));
  const shared = [...new Set(termKeys(claim))].filter((k) => isWordKey(k) && goldKeys.has(k));
  if (shared.length === 0) return null;
  shared.sort((a, b) => stats.documentFrequency(a) - stats.documentFrequency(b));
  const from = surfaceOf(claim, shared[0]!);
  const claimKeys = new Set(termKeys(claim));
  const candidates = [...new Set(termKeys(other))].filter(
    (k) => isWordKey(k) && !goldKeys.has(k) && !claimKeys.has(k) && stats.documentFrequency(k) > 0,
  );
  if (!from || candidates.length === 0) return null;
  candidates.sort((a, b) => stats.documentFrequency(a) - stats.documentFrequency(b));
  const to = surfaceOf(other, candidates[0]!);
  if (!to) return null;
  return claim.replace(from, to);
}

/** TF-IDF cosine over term keys: the most similar abstract that is not a gold one. */
export function nearestOther(
  claim: string,
  corpus: readonly Abstract[],
  corpusKeys: ReadonlyArray<Map<string, number>>,
  stats: TermStats,
  exclude: ReadonlySet<string>,
): Abstract | null {
  const q = new Map<string, number>();
  for (const k of termKeys(claim)) if (isWordKey(k)) q.set(k, (q.get(k) ?? 0) + 1);
  let best: { doc: Abstract; score: number } | null = null;
  corpus.forEach((doc, i) => {
    if (exclude.has(doc.id)) return;
    const d = corpusKeys[i]!;
    let score = 0;
    for (const [k, tf] of q) {
      const dtf = d.get(k);
      if (dtf) score += tf * Math.sqrt(dtf) * stats.idf(k) ** 2;
    }
    if (!best || score > best.score) best = { doc, score };
  });
  return (best as { doc: Abstract } | null)?.doc ?? null;
}

export function keyCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of termKeys(text)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** The four sets of the issue, plus contradicted claims, from the train claims. */
export function buildCheckSets(corpus: Abstract[], claims: Claim[], stats: TermStats, seed = 7) {
  const byId = new Map(corpus.map((d) => [d.id, d]));
  const corpusKeys = corpus.map((d) => keyCounts(d.text));
  const random = seeded(seed);
  const cases: CheckCase[] = [];
  for (const claim of claims) {
    const supporting = claim.evidence.filter((e) => e.label === 'SUPPORT');
    const contradicting = claim.evidence.filter((e) => e.label === 'CONTRADICT');
    const goldIds = new Set(claim.evidence.map((e) => e.docId));
    for (const e of contradicting) {
      const doc = byId.get(e.docId);
      if (doc)
        cases.push({
          set: 'contradicted',
          claimId: claim.id,
          sentence: claim.text,
          passages: [doc.text],
        });
    }
    const gold = supporting.map((e) => byId.get(e.docId)).find(Boolean);
    if (!gold) continue;
    cases.push({ set: 'true', claimId: claim.id, sentence: claim.text, passages: [gold.text] });
    const changed = changeNumber(claim.text);
    if (changed && changed !== claim.text)
      cases.push({
        set: 'numberChanged',
        claimId: claim.id,
        sentence: changed,
        passages: [gold.text],
      });
    let other: Abstract;
    do other = corpus[Math.floor(random() * corpus.length)]!;
    while (goldIds.has(other.id));
    const swapped = swapRareWord(claim.text, gold.text, other.text, stats);
    if (swapped && swapped !== claim.text)
      cases.push({
        set: 'wordSwapped',
        claimId: claim.id,
        sentence: swapped,
        passages: [gold.text],
      });
    const near = nearestOther(claim.text, corpus, corpusKeys, stats, goldIds);
    if (near)
      cases.push({
        set: 'similarNotGold',
        claimId: claim.id,
        sentence: claim.text,
        passages: [near.text],
      });
  }
  return cases;
}
