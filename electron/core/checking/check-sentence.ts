// Layer 1 of the answer check: every number, date, quoted phrase, rare word and name a sentence
// states must be in a source it cites. No model; compared after the full-text normalisation.
import type {
  EvidenceSpan,
  MissingItem,
  SentenceCheck,
  Verdict,
} from '../../../shared/answer-checks';
import { detectLanguage, type LanguageCode } from '../language/detect-language';
import { STOP_SETS } from '../language/stop-words';
import { termKey, termKeys, type TermStats } from '../language/term-stats';
import { containsRun, type PassageFacts } from './passage-facts';
import { findDates, findQuantities, sameDate, sameQuantity } from './quantities';
import type { AnswerSentence } from './sentences';

/** A word in at most this share of the library's passages is specific enough that its source must have it. */
// Tuned on SciFact's TRAIN claims (npm run bench:check): at 1 % of passages, 46 % of true claims were
// flagged; at 0.3 %, 31 %, while changed numbers and swapped words were still flagged (97 %, 98 %).
export const RARE_SHARE = 0.003;
/** Capitalised words (names) are held to it up to this share. */
export const NAME_SHARE = 0.05;
/** Below this many passages shares say little: a word is rare when at most this many hold it. */
const SMALL_LIBRARY = 50;
const SMALL_LIBRARY_RARE_DF = 1;
/** A sentence whose words are this little in its sources is not backed, whatever else it says. */
export const LOW_OVERLAP = 0.34;

type Item = {
  kind: 'number' | 'date' | 'quote' | 'word';
  text: string;
  /** Indices of the passage's sentences that hold it; empty when the passage lacks it. */
  holders: (p: PassageFacts) => number[];
};

const QUOTE = /["“„«]([^"“”„«»\n]{2,200})["”“»]/gu;
const NAME = /(?<=[\p{L}\p{N},;)]\s+)(\p{Lu}[\p{L}\p{M}\p{N}'’-]*)/gu;
const META =
  /\b(?:(?:documents?|sources?|passages?|library) (?:do(?:es)?n[o’']?t|do(?:es)? not|never)|I (?:do not|don't|cannot|can't) (?:know|find|tell))\b/i;
const EXTRA_STOP = new Set(
  (
    'also can could may might will would should must shall does did do had has have having been being is are was were not no yes than then there these those this that which who whom whose what when where why how into onto upon over under about after before between during while such some any each every more most less least many much other another same very only just both either neither ' +
    'though although because however therefore thus hence whether via per among within without across against toward towards upon whereas yet still even ever often well ' +
    "don doesn didn isn aren wasn weren won wouldn shouldn couldn can't cannot hasn haven hadn"
  ).split(' '),
);

function isStop(key: string, lang: LanguageCode): boolean {
  return (
    key.length < 3 ||
    /^\p{N}+$/u.test(key) ||
    STOP_SETS.en!.has(key) ||
    EXTRA_STOP.has(key) ||
    (STOP_SETS[lang]?.has(key) ?? false)
  );
}

function isRare(key: string, stats: TermStats, share: number): boolean {
  const df = stats.documentFrequency(key);
  if (df === 0) return true;
  if (stats.passages < SMALL_LIBRARY) return df <= SMALL_LIBRARY_RARE_DF;
  return df / stats.passages <= share;
}

function sentencesWhere(p: PassageFacts, test: (s: PassageFacts['sentences'][number]) => boolean) {
  const found: number[] = [];
  p.sentences.forEach((s, i) => {
    if (test(s)) found.push(i);
  });
  return found;
}

/** What a claim states that can be checked without a model. */
/** `words`: the claim's content keys (its term keys without stop words). */
function claimItems(
  claim: string,
  words: readonly string[],
  lang: LanguageCode,
  stats: TermStats,
): Item[] {
  const items: Item[] = [];
  const sharesWord = (keys: ReadonlySet<string>) =>
    words.length === 0 || words.some((k) => keys.has(k));
  const dates = findDates(claim);
  for (const date of dates)
    items.push({
      kind: 'date',
      text: date.text,
      holders: (p) =>
        sentencesWhere(
          p,
          (s) =>
            s.dates.some((d) => sameDate(date, d)) ||
            (date.month === null && s.quantities.some((q) => q.value === date.year)),
        ),
    });
  for (const quantity of findQuantities(claim, dates))
    items.push({
      kind: 'number',
      text: quantity.text,
      holders: (p) =>
        sentencesWhere(
          p,
          (s) =>
            // The same value about something else ("6 months" for "one in six") does not count:
            // the passage's sentence must share a word with the claim.
            sharesWord(s.keys) &&
            (s.quantities.some((q) => sameQuantity(quantity, q)) ||
              // A year in the passage is still the number.
              s.dates.some(
                (d) => d.month === null && d.year === quantity.value && !quantity.percent,
              )),
        ),
    });
  const quoted = new Set<string>();
  for (const m of claim.matchAll(QUOTE)) {
    const phrase = termKeys(m[1]!, lang);
    if (phrase.length === 0) continue;
    phrase.forEach((k) => quoted.add(k));
    items.push({
      kind: 'quote',
      text: `“${m[1]!.trim()}”`,
      holders: (p) =>
        containsRun(p.sequence, phrase)
          ? sentencesWhere(p, (s) => phrase.every((k) => s.keys.has(k)))
          : [],
    });
  }
  const names = new Set<string>();
  for (const m of claim.matchAll(NAME)) for (const k of termKeys(m[1]!, lang)) names.add(k);
  const seen = new Set<string>();
  for (const m of claim.matchAll(/[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*/gu)) {
    for (const key of termKeys(m[0], lang)) {
      if (seen.has(key) || quoted.has(key) || isStop(key, lang)) continue;
      seen.add(key);
      const share = names.has(key) ? NAME_SHARE : RARE_SHARE;
      if (!isRare(key, stats, share)) continue;
      items.push({
        kind: 'word',
        text: m[0].replace(/[’'-]+$/, ''),
        holders: (p) => sentencesWhere(p, (s) => s.keys.has(key)),
      });
    }
  }
  return items;
}

/** How much of the claim's wording (weighted by rarity) its sources hold, 0..1. */
function wordOverlap(keys: string[], sources: PassageFacts[], stats: TermStats): number {
  let total = 0;
  let found = 0;
  for (const key of new Set(keys)) {
    const weight = stats.idf(key);
    total += weight;
    if (sources.some((p) => p.keys.has(key))) found += weight;
  }
  return total === 0 ? 1 : found / total;
}

function sourcesLabel(numbers: readonly number[]): string {
  if (numbers.length === 1) return `source ${numbers[0]}`;
  return `sources ${numbers.slice(0, -1).join(', ')} or ${numbers[numbers.length - 1]}`;
}

/** The tooltip: what was not found, in plain words. */
export function describeMissing(missing: readonly MissingItem[]): string {
  return missing
    .map((m) => {
      if (m.kind === 'citation')
        return `Source ${m.text.replace(/[[\]]/g, '')} was not among the answer's sources`;
      if (m.kind === 'meaning') return m.text;
      const what = m.kind === 'word' ? `“${m.text}”` : m.text;
      return `${what} is not in ${sourcesLabel(m.sources)}`;
    })
    .join('; ');
}

/** The passage sentences that back the claim best: most checked items, then most wording. */
function evidenceFor(
  claimKeys: string[],
  items: Item[],
  sources: PassageFacts[],
  stats: TermStats,
): EvidenceSpan[] {
  const keys = [...new Set(claimKeys)];
  type Candidate = { p: PassageFacts; index: number; items: Set<number>; score: number };
  const candidates: Candidate[] = [];
  for (const p of sources) {
    const holding = items.map((item) => new Set(item.holders(p)));
    p.sentences.forEach((s, index) => {
      const held = new Set<number>();
      holding.forEach((set, i) => {
        if (set.has(index)) held.add(i);
      });
      let overlap = 0;
      for (const key of keys) if (s.keys.has(key)) overlap += stats.idf(key);
      candidates.push({ p, index, items: held, score: held.size * 100 + overlap });
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (!best || best.score <= 0) return [];
  const chosen = [best];
  const covered = new Set(best.items);
  // Items the best sentence lacks may sit in a neighbour: add up to two more spans for them.
  for (const c of candidates.slice(1)) {
    if (chosen.length >= 3) break;
    if ([...c.items].some((i) => !covered.has(i))) {
      chosen.push(c);
      c.items.forEach((i) => covered.add(i));
    }
  }
  return chosen.map(({ p, index }) => ({
    n: p.n,
    start: p.sentences[index]!.start,
    end: p.sentences[index]!.end,
  }));
}

export type WordCheck = Omit<SentenceCheck, 'entailment'>;

/**
 * Layer 1 for one sentence. Returns null for a sentence with nothing to check: no citation
 * and nothing factual (no number, date, quote, rare word or name), or talk about the sources.
 */
export function checkSentenceWords(
  sentence: AnswerSentence,
  sources: ReadonlyMap<number, PassageFacts>,
  stats: TermStats,
): WordCheck | null {
  const cited = [...new Set(sentence.citations)];
  const valid = cited.filter((n) => sources.has(n));
  const invalid = cited.filter((n) => !sources.has(n));
  const firstSource = valid.length ? sources.get(valid[0]!) : undefined;
  const detected = detectLanguage(sentence.claim);
  const lang = detected === 'und' && firstSource ? firstSource.lang : detected;
  // The claim's content words, read once: the items, the factual test and the overlap share them.
  const claimKeys = termKeys(sentence.claim, lang).filter((k) => !isStop(k, lang));
  const items = claimItems(sentence.claim, claimKeys, lang, stats);
  const base = { start: sentence.start, end: sentence.end, citations: cited };

  if (cited.length === 0) {
    // Factual: it states a number, date or quote, or says something specific at some length.
    const factual =
      items.some((i) => i.kind !== 'word') || (items.length > 0 && claimKeys.length >= 3);
    if (!factual || META.test(sentence.claim) || /\?\s*$/.test(sentence.claim)) return null;
    return {
      ...base,
      verdict: 'uncited',
      missing: [],
      evidence: [],
      note: 'No source is cited for this.',
    };
  }
  const missing: MissingItem[] = invalid.map((n) => ({
    kind: 'citation',
    text: `[${n}]`,
    sources: [],
  }));
  if (valid.length === 0) {
    return {
      ...base,
      verdict: 'unsupported',
      missing,
      evidence: [],
      note: describeMissing(missing),
    };
  }
  const passages = valid.map((n) => sources.get(n)!);
  const absent = items.filter((item) => passages.every((p) => item.holders(p).length === 0));
  for (const item of absent) missing.push({ kind: item.kind, text: item.text, sources: valid });
  const overlap = wordOverlap(claimKeys, passages, stats);

  let verdict: Verdict;
  if (absent.length === 0 && overlap >= LOW_OVERLAP)
    verdict = invalid.length ? 'partly' : 'supported';
  else if (
    overlap < LOW_OVERLAP ||
    // Two or more specific things missing, and little of the wording: one paraphrased term is not enough.
    (absent.length >= 2 && absent.length / items.length >= 0.5 && overlap < 0.5)
  )
    verdict = 'unsupported';
  else verdict = 'partly';
  if (absent.length === 0 && overlap < LOW_OVERLAP) {
    // Nothing specific is missing, yet little of its wording is there: name the weightiest words.
    const lacking = [...new Set(claimKeys)]
      .filter((k) => !passages.some((p) => p.keys.has(k)))
      .sort((a, b) => stats.idf(b) - stats.idf(a))
      .slice(0, 3);
    const words = sentence.claim.match(/[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*/gu) ?? [];
    for (const key of lacking) {
      const word = words.find(
        (w) => termKey(w.toLowerCase()) === key || termKeys(w, lang)[0] === key,
      );
      missing.push({ kind: 'word', text: word ?? key, sources: valid });
    }
  }
  const evidence = verdict === 'unsupported' ? [] : evidenceFor(claimKeys, items, passages, stats);
  return {
    ...base,
    verdict,
    missing,
    evidence,
    note:
      verdict === 'supported'
        ? ''
        : describeMissing(missing) || `Few of its words are in ${sourcesLabel(valid)}`,
  };
}
