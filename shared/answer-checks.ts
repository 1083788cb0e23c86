// How an answer's sentences stand against the sources they cite, and whether the library
// covers a question at all: the verdicts and the coverage decision, as both transports carry them.
import { z } from 'zod';

/**
 * `supported`: everything the sentence states that can be checked is in a source it cites.
 * `partly`: some of it is, some is not. `unsupported`: its sources do not back it, or it cites
 * a source that was never given. `uncited`: a factual sentence with no citation at all.
 */
export const VerdictSchema = z.enum(['supported', 'partly', 'unsupported', 'uncited']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** One thing a sentence states that its cited sources do not show. */
export const MissingItemSchema = z.object({
  /**
   * `number`, `date`, `quote`, `word` (a rare word or a name): not found in the cited sources.
   * `citation`: a citation to a source number the model was never given. `meaning`: the
   * entailment model found that the sources do not state it (or contradict it).
   */
  kind: z.enum(['number', 'date', 'quote', 'word', 'citation', 'meaning']),
  /** As the sentence wrote it ("12 %", "March 2019", "[7]"). */
  text: z.string(),
  /** The cited sources it was looked for in. */
  sources: z.array(z.number().int().positive()),
});
export type MissingItem = z.infer<typeof MissingItemSchema>;

/** Where a source backs a sentence: character offsets in the passage's own text (the chunk). */
export const EvidenceSpanSchema = z.object({
  /** The source number, as cited. */
  n: z.number().int().positive(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type EvidenceSpan = z.infer<typeof EvidenceSpanSchema>;

export const EntailmentLabelSchema = z.enum(['entailment', 'neutral', 'contradiction']);
export type EntailmentLabel = z.infer<typeof EntailmentLabelSchema>;

/** The entailment model's reading of a sentence against its best cited source. */
export const EntailmentSchema = z.object({
  label: EntailmentLabelSchema,
  /** The probability of that label. */
  probability: z.number().min(0).max(1),
  /** The source it was read against. */
  n: z.number().int().positive(),
});
export type Entailment = z.infer<typeof EntailmentSchema>;

export const SentenceCheckSchema = z.object({
  /** The sentence's character offsets in the answer's text (citation markers included). */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** The source numbers it cites, as written (a number that was never a source included). */
  citations: z.array(z.number().int().positive()),
  verdict: VerdictSchema,
  missing: z.array(MissingItemSchema),
  /** For a supported or partly supported sentence, the passage spans that back it. */
  evidence: z.array(EvidenceSpanSchema),
  /** Null when the entailment model did not run. */
  entailment: EntailmentSchema.nullable(),
  /** In plain words, for a tooltip ("12 % is not in source 2"); empty when supported. */
  note: z.string(),
});
export type SentenceCheck = z.infer<typeof SentenceCheckSchema>;

export const CheckLayerSchema = z.enum(['words', 'entailment']);
export type CheckLayer = z.infer<typeof CheckLayerSchema>;

/** All the verdicts an answer has so far: each emission replaces the last, whole. */
export const AnswerChecksSchema = z.object({
  sentences: z.array(SentenceCheckSchema),
  /** False while the answer streams; true once the whole written text was checked. */
  final: z.boolean(),
  /** `words`: numbers, dates, quotes, rare words and names. `entailment`: the model as well. */
  layers: z.array(CheckLayerSchema),
  /** The entailment model that ran, or null. */
  model: z.string().nullable(),
  /** Sentences checked, and how many of them are not backed by their sources. */
  checked: z.number().int().nonnegative(),
  notBacked: z.number().int().nonnegative(),
  /** What the checks could not do, in plain words ("Only words and numbers were checked…"). */
  note: z.string().nullable(),
});
export type AnswerChecks = z.infer<typeof AnswerChecksSchema>;

/** Whether the library covers a question, decided from retrieval before anything is written. */
export const CoverageSchema = z.object({
  covered: z.boolean(),
  /** How likely the library covers the question, 0..1 (calibrated; see docs/answer-checks.md). */
  confidence: z.number().min(0).max(1),
  /** The signals the decision read, for transparency and tuning. */
  signals: z.record(z.string(), z.number().nullable()),
});
export type Coverage = z.infer<typeof CoverageSchema>;

/** "2 of 7 sentences are not backed by their sources", or null when all are. */
export function checksSummary(checks: Pick<AnswerChecks, 'checked' | 'notBacked'>): string | null {
  if (checks.notBacked === 0) return null;
  const verb = checks.notBacked === 1 ? 'is' : 'are';
  const noun = checks.checked === 1 ? 'sentence' : 'sentences';
  return `${checks.notBacked} of ${checks.checked} ${noun} ${verb} not backed by their sources`;
}
