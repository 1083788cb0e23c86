// Checks an answer sentence by sentence while it streams, and once more, whole, at the end.
import type {
  AnswerChecks,
  Entailment,
  EntailmentLabel,
  SentenceCheck,
} from '../../../shared/answer-checks';
import type { TermStats } from '../language/term-stats';
import { checkSentenceWords, describeMissing, type WordCheck } from './check-sentence';
import { passageFacts, type PassageFacts } from './passage-facts';
import { blankMarkers, citedNumbers, splitSentences, type AnswerSentence } from './sentences';

export type EntailmentScores = { entailment: number; neutral: number; contradiction: number };

/** Layer 2, when present: an NLI cross-encoder run in the worker pool. */
export type EntailmentScorer = {
  /** `active`: present, loadable and switched on (`available` alone: present and loadable). */
  status(): {
    available: boolean;
    active?: boolean;
    enabled?: boolean;
    installed?: boolean;
    modelId: string;
  };
  /** Null when the model is off or could not run: the words-and-numbers verdict then stands. */
  score(
    pairs: Array<{ premise: string; hypothesis: string }>,
    signal?: AbortSignal,
  ): Promise<EntailmentScores[] | null>;
};

/** The model must be this sure that a source contradicts a sentence to call it unsupported. */
export const CONTRADICTION = 0.6;
/** Below this, a sentence whose words all check out is still not stated by its source. */
export const NOT_STATED = 0.2;

const NO_MODEL_NOTE =
  'Only words and numbers were checked: the entailment model is not installed (Settings → Retrieval).';
const MODEL_OFF_NOTE =
  'Only words and numbers were checked: checking with the entailment model is switched off in Settings.';
const MODEL_FAILED_NOTE =
  'Only words and numbers were checked: the entailment model could not be used.';

/** Why the model did not check this answer, in words a user can act on (no paths). */
function wordsOnlyNote(status: ReturnType<EntailmentScorer['status']> | null, failed: boolean) {
  if (status?.enabled === false) return MODEL_OFF_NOTE;
  if (failed || (status?.installed ?? status?.available)) return MODEL_FAILED_NOTE;
  return NO_MODEL_NOTE;
}

function labelOf(s: EntailmentScores): { label: EntailmentLabel; probability: number } {
  const order: EntailmentLabel[] = ['entailment', 'neutral', 'contradiction'];
  const label = order.reduce((a, b) => (s[b] > s[a] ? b : a));
  return { label, probability: Math.min(1, Math.max(0, s[label])) };
}

/**
 * Layer 1's verdict, revised by the model's reading of the sentence against each cited source.
 * The model only ever makes a verdict stricter: a number or a rare word that is not in the
 * source stays missing however sure the model is (small NLI models overlook swapped names).
 */
export function combineVerdict(
  word: WordCheck,
  scores: Array<{ n: number; scores: EntailmentScores }>,
): SentenceCheck {
  const check = word;
  if (scores.length === 0) return { ...check, entailment: null };
  const best = scores.reduce((a, b) => (b.scores.entailment > a.scores.entailment ? b : a));
  const worst = scores.reduce((a, b) => (b.scores.contradiction > a.scores.contradiction ? b : a));
  const read = labelOf(best.scores);
  const entailment: Entailment = { ...read, n: best.n };
  let { verdict, missing } = check;
  if (best.scores.entailment < 0.5 && worst.scores.contradiction >= CONTRADICTION) {
    verdict = 'unsupported';
    missing = [
      ...missing,
      { kind: 'meaning', text: `Source ${worst.n} contradicts this`, sources: [worst.n] },
    ];
    return {
      ...check,
      verdict,
      missing,
      evidence: [],
      note: describeMissing(missing),
      entailment: { ...labelOf(worst.scores), n: worst.n },
    };
  }
  if (verdict === 'supported' && best.scores.entailment < NOT_STATED) {
    missing = [
      ...missing,
      { kind: 'meaning', text: `Source ${best.n} does not state this`, sources: [best.n] },
    ];
    return { ...check, verdict: 'partly', missing, note: describeMissing(missing), entailment };
  }
  return { ...check, entailment };
}

/** Present, loadable and switched on (a scorer without `active` is on when available). */
function usable(scorer: EntailmentScorer | null | undefined): scorer is EntailmentScorer {
  const status = scorer?.status();
  return (status?.active ?? status?.available) === true;
}

/**
 * The model's reading of a sentence against each source it cites that was given; null when the
 * model did not run (off, missing, failed), so the words-and-numbers verdict stands.
 */
async function readAgainstSources(
  scorer: EntailmentScorer,
  word: WordCheck,
  sentence: AnswerSentence,
  facts: ReadonlyMap<number, PassageFacts>,
  signal?: AbortSignal,
): Promise<Array<{ n: number; scores: EntailmentScores }> | null> {
  const cited = [...new Set(word.citations)].filter((n) => facts.has(n));
  if (cited.length === 0) return [];
  const hypothesis = sentence.claim.trim();
  const scores = await scorer
    .score(
      cited.map((n) => ({ premise: facts.get(n)!.text, hypothesis })),
      signal,
    )
    .catch(() => null);
  return scores && cited.map((n, i) => ({ n, scores: scores[i]! }));
}

function keyOf(s: { start: number; end: number }): string {
  return `${s.start}:${s.end}`;
}

/**
 * One answer's checker. `update` is cheap to call per token: it looks for newly ended
 * sentences at most every `intervalMs`. Layer 1 runs one sentence per turn of the event loop;
 * layer 2 runs in the worker pool. Every change is reported whole through `onUpdate`.
 */
export function createAnswerChecker(options: {
  sources: ReadonlyArray<{ n: number; text: string }>;
  stats: TermStats;
  entailment?: EntailmentScorer | null;
  onUpdate?: (checks: AnswerChecks) => void;
  signal?: AbortSignal;
  intervalMs?: number;
}) {
  const facts = new Map<number, PassageFacts>(
    options.sources.map((s) => [s.n, passageFacts(s.n, s.text)]),
  );
  const status = options.entailment?.status() ?? null;
  const model = usable(options.entailment) ? status!.modelId : null;
  const words = new Map<string, WordCheck | null>();
  const readings = new Map<string, Promise<Array<{ n: number; scores: EntailmentScores }>>>();
  const results = new Map<string, SentenceCheck>();
  let latest = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  let finished = false;
  let modelFailed = false;

  function snapshot(final: boolean): AnswerChecks {
    const sentences = [...results.values()].sort((a, b) => a.start - b.start);
    const usedModel = model !== null && !modelFailed;
    return {
      sentences,
      final,
      layers: usedModel ? ['words', 'entailment'] : ['words'],
      model: usedModel ? model : null,
      checked: sentences.length,
      notBacked: sentences.filter((s) => s.verdict !== 'supported').length,
      note: usedModel ? null : wordsOnlyNote(status, modelFailed),
    };
  }

  function read(sentence: AnswerSentence, word: WordCheck) {
    const key = keyOf(sentence);
    let reading = readings.get(key);
    if (!reading) {
      reading =
        model === null || modelFailed
          ? Promise.resolve([])
          : readAgainstSources(options.entailment!, word, sentence, facts, options.signal).then(
              (scores) => {
                if (scores === null) modelFailed = true;
                return scores ?? [];
              },
            );
      readings.set(key, reading);
    }
    return reading.then((scores) => {
      // The sentence may have been dropped since (the final pass decides).
      if (words.get(key) !== word) return;
      results.set(key, combineVerdict(word, scores));
    });
  }

  // Streaming reports stop once the final pass has begun: nothing may follow the final verdicts.
  function report() {
    if (!finished) options.onUpdate?.(snapshot(false));
  }

  async function pass(text: string, final: boolean): Promise<void> {
    const sentences = splitSentences(text, { final });
    const pending: Promise<void>[] = [];
    const live = new Set<string>();
    for (const sentence of sentences) {
      const key = keyOf(sentence);
      live.add(key);
      if (!final && words.has(key)) continue;
      // One sentence per turn: a long answer never holds the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const word = checkSentenceWords(sentence, facts, options.stats);
      words.set(key, word);
      if (word === null) {
        results.delete(key);
        continue;
      }
      if (!results.has(key) || final) results.set(key, combineVerdict(word, []));
      const reading = read(sentence, word);
      pending.push(final ? reading : reading.then(() => report()));
    }
    if (final) for (const key of [...results.keys()]) if (!live.has(key)) results.delete(key);
    if (!final && pending.length) report();
    if (final) await Promise.all(pending);
  }

  return {
    /** The answer so far; sentences that have ended are checked soon after. */
    update(text: string): void {
      if (finished) return;
      latest = text;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        const snapshotText = latest;
        running = running.then(() => (finished ? undefined : pass(snapshotText, false)));
      }, options.intervalMs ?? 100);
    },
    /** Checks the whole written text once more, waits for the model, and returns the final verdicts. */
    async finish(text: string): Promise<AnswerChecks> {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      finished = true;
      latest = text;
      await pass(text, true);
      return snapshot(true);
    },
  };
}

export type AnswerChecker = ReturnType<typeof createAnswerChecker>;

/** Checks one finished text at once (the CLI's `quire check`, the benchmark). */
export async function checkAnswer(
  text: string,
  options: Omit<Parameters<typeof createAnswerChecker>[0], 'onUpdate'>,
): Promise<AnswerChecks> {
  return createAnswerChecker(options).finish(text);
}

/**
 * Judges one sentence against the passages given with it, outside any conversation (`quire
 * check`, the benchmark). Passages are sources 1..n; a sentence without citation markers is
 * read as citing all of them, and the whole line is one claim however many full stops it has.
 */
export async function checkClaim(
  sentence: string,
  passages: readonly string[],
  options: Pick<Parameters<typeof createAnswerChecker>[0], 'stats' | 'entailment' | 'signal'>,
): Promise<SentenceCheck | null> {
  const facts = new Map(passages.map((p, i) => [i + 1, passageFacts(i + 1, p)]));
  const cited = citedNumbers(sentence);
  const claim: AnswerSentence = {
    start: 0,
    end: sentence.length,
    citations: cited.length ? cited : passages.map((_, i) => i + 1),
    claim: blankMarkers(sentence),
  };
  const word = checkSentenceWords(claim, facts, options.stats);
  if (word === null) return null;
  const scores = usable(options.entailment)
    ? await readAgainstSources(options.entailment!, word, claim, facts, options.signal)
    : null;
  return combineVerdict(word, scores ?? []);
}
