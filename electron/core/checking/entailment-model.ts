// Natural-language inference with transformers.js: does a passage (the premise) state a sentence
// (the hypothesis)? The pair is read together, as the reranker reads a query and a passage.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QuireError } from '../../../shared/errors';
import { DEFAULT_ENTAILMENT_MODEL } from '../../../shared/settings';
import { assertModelId, localModelDtype, type ModelDtype } from '../embedding/model-location';
import {
  loadSequenceClassifier,
  type Classifier,
  type PairTokenizer as BasePairTokenizer,
} from '../embedding/sequence-classifier';
import { loadModelExclusively, type EmbeddingBackend } from '../embedding/transformers-runtime';

export { DEFAULT_ENTAILMENT_MODEL };

export type EntailmentPair = { premise: string; hypothesis: string };
export type EntailmentProbabilities = {
  entailment: number;
  neutral: number;
  contradiction: number;
};
/** The order of the three probabilities per pair in a flat array (the worker's response). */
export const ENTAILMENT_ORDER = ['entailment', 'neutral', 'contradiction'] as const;

export type EntailmentModelOptions = {
  modelId?: string;
  /** The folder holding `<modelId>/onnx/model.onnx` (see model-location.ts). */
  localModelPath: string;
  backend: EmbeddingBackend;
  threads?: number;
  /** Pairs per inference call. */
  batchSize?: number;
  dtype?: ModelDtype;
  /** Longest pair in tokens; a longer premise loses its tail, the hypothesis is kept whole. */
  maxSequenceLength?: number;
  wasmDir?: string;
};

export type EntailmentModel = {
  readonly modelId: string;
  /** Probabilities per pair, in the pairs' order; each triple sums to 1. */
  score(pairs: readonly EntailmentPair[]): Promise<EntailmentProbabilities[]>;
  dispose(): Promise<void>;
};

// A chunk (~256 word-pieces) and a long sentence fit whole; cutting the premise loses evidence.
const DEFAULT_MAX_SEQUENCE_LENGTH = 512;
const DEFAULT_BATCH_SIZE = 8;
/** Below this many premise tokens a check means nothing; plain truncation is left to act. */
const MIN_PREMISE_TOKENS = 16;

type PairTokenizer = BasePairTokenizer & {
  encode(text: string, options?: { text_pair?: string; add_special_tokens?: boolean }): number[];
};

/**
 * Which logit columns make up each class, and how many columns there are. A binary model's
 * "not entailment", like any label other than the three, counts as neutral: not stated.
 */
export type LabelColumns = Record<keyof EntailmentProbabilities, number[]> & { count: number };

/**
 * Reads the classes from `id2label`: NLI models disagree on the order (DeBERTa cross-encoders put
 * contradiction first, roberta-large-mnli entailment last), so it is never assumed.
 */
export function labelColumns(id2label: unknown, where: string): LabelColumns {
  const entries =
    id2label && typeof id2label === 'object'
      ? Object.entries(id2label as Record<string, unknown>)
      : [];
  const columns: LabelColumns = { entailment: [], neutral: [], contradiction: [], count: 0 };
  const names = entries.map(([, value]) => String(value));
  const valid = entries.every(([key]) => Number.isInteger(Number(key)) && Number(key) >= 0);
  for (const [key, value] of valid ? entries : []) {
    const column = Number(key);
    const name = String(value)
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    columns.count = Math.max(columns.count, column + 1);
    if (name.startsWith('entail')) columns.entailment.push(column);
    else if (name.startsWith('contradict')) columns.contradiction.push(column);
    else columns.neutral.push(column);
  }
  if (columns.entailment.length === 0 || columns.count !== entries.length)
    throw new QuireError(
      'model_unavailable',
      `The model at ${where} is not an entailment (NLI) model: its config.json labels are ` +
        `${names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'missing'}; ` +
        `Quire needs an "entailment" label among labels numbered from 0.`,
    );
  return columns;
}

export function createEntailmentModel(options: EntailmentModelOptions): Promise<EntailmentModel> {
  return loadModelExclusively(() => load(options));
}

async function load(options: EntailmentModelOptions): Promise<EntailmentModel> {
  const { localModelPath, backend } = options;
  const modelId = options.modelId ?? DEFAULT_ENTAILMENT_MODEL;
  assertModelId(modelId);
  const where = join(localModelPath, modelId);
  const dtype = options.dtype ?? localModelDtype(modelId, localModelPath);
  if (dtype === null) throw entailmentUnavailable(where);
  let config: { id2label?: unknown };
  try {
    config = JSON.parse(await readFile(join(where, 'config.json'), 'utf8')) as typeof config;
  } catch (error) {
    throw entailmentUnavailable(where, error);
  }
  // Before the weights load: a model of the wrong kind is told apart at once.
  const columns = labelColumns(config.id2label, where);
  const threads = options.threads ?? 1;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);

  const { tokenizer, model, serial, dispose } = await loadSequenceClassifier<PairTokenizer>({
    modelId,
    localModelPath,
    backend,
    dtype,
    threads,
    wasmDir: options.wasmDir,
    maxSequenceLength: options.maxSequenceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
    unavailable: (cause) => entailmentUnavailable(where, cause),
    closedMessage: 'The entailment model was closed.',
  });
  const fit = premiseFitter(tokenizer);

  return {
    modelId,
    score: (pairs) =>
      serial(() =>
        scoreBatches(
          tokenizer,
          model,
          pairs.map((p) => ({ premise: fit(p.premise, p.hypothesis), hypothesis: p.hypothesis })),
          columns,
          batchSize,
        ),
      ),
    dispose,
  };
}

/**
 * transformers.js truncates a pair from its end, which is the hypothesis: the sentence being
 * checked would lose its tail, and the closing separator with it. So the premise is cut first, at
 * a word boundary, to what the window leaves beside the whole hypothesis.
 */
function premiseFitter(tokenizer: PairTokenizer) {
  const count = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).length;
  const specials = tokenizer.encode('a', { text_pair: 'b' }).length - count('a') - count('b');
  return (premise: string, hypothesis: string): string => {
    const max = tokenizer.model_max_length;
    const budget = max - specials - count(hypothesis);
    if (budget < MIN_PREMISE_TOKENS || count(premise) <= budget) return premise;
    const fits = (end: number) => count(premise.slice(0, end)) <= budget;
    const words = [...premise.matchAll(/\s+/g)].map((m) => m.index).filter((i) => i > 0);
    // A first "word" too long for the window (a URL, a table row) is cut between characters.
    const cuts =
      words.length > 0 && fits(words[0]!)
        ? words
        : Array.from({ length: premise.length - 1 }, (_, i) => i + 1);
    // The longest prefix that fits: cuts are increasing, and so are their token counts.
    let lo = 0;
    let hi = cuts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(cuts[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    return premise.slice(0, cuts[lo]);
  };
}

/** Batches pairs of similar length together (padding is wasted work) and keeps their order. */
async function scoreBatches(
  tokenizer: PairTokenizer,
  model: Classifier,
  pairs: readonly EntailmentPair[],
  columns: LabelColumns,
  batchSize: number,
): Promise<EntailmentProbabilities[]> {
  const out = new Array<EntailmentProbabilities>(pairs.length);
  const size = (i: number) => pairs[i]!.premise.length + pairs[i]!.hypothesis.length;
  const order = pairs.map((_, i) => i).sort((a, b) => size(b) - size(a));
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const inputs = tokenizer(
      rows.map((i) => pairs[i]!.premise),
      { text_pair: rows.map((i) => pairs[i]!.hypothesis), padding: true, truncation: true },
    );
    const { logits } = await model(inputs);
    if (!logits) throw new QuireError('internal', 'The entailment model gave no logits.');
    const width = logits.dims[1] ?? 0;
    if (width !== columns.count)
      throw new QuireError(
        'model_unavailable',
        `The entailment model gives ${width} scores per pair, but its config.json names ${columns.count} labels.`,
      );
    rows.forEach((row, r) => {
      const p = softmax(
        Array.from({ length: width }, (_, j) => Number(logits.data[r * width + j])),
      );
      const sum = (cols: number[]) => cols.reduce((s, c) => s + p[c]!, 0);
      out[row] = {
        entailment: sum(columns.entailment),
        neutral: sum(columns.neutral),
        contradiction: sum(columns.contradiction),
      };
    });
    for (const tensor of [logits, ...Object.values(inputs)]) tensor.dispose?.();
  }
  return out;
}

function softmax(logits: number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

function entailmentUnavailable(where: string, cause?: unknown): QuireError {
  const message =
    cause === undefined
      ? `Entailment model not found at ${where}; answers are checked by their words and numbers only.`
      : `The entailment model at ${where} could not be loaded; answers are checked by their words and numbers only.`;
  return new QuireError('model_unavailable', message, cause === undefined ? {} : { cause });
}
