// The test models: a bag-of-word-pieces embedder, cross-encoder and NLI model, and a random-weight MiniLM-L6 look-alike.
import { FLOAT, GraphBuilder, INT64, hashSeed, randomFloats } from './onnx-graph';

export const VOCAB_SIZE = 30522;
export const BOW_DIMS = 128;
// BERT's special tokens: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103.
const SPECIAL_TOKEN_IDS = [0, 100, 101, 102, 103];

export const MINILM_SHAPE = {
  layers: 6,
  hidden: 384,
  heads: 12,
  ffn: 1536,
  vocab: VOCAB_SIZE,
  maxPositions: 512,
  typeVocab: 2,
} as const;

export type EncoderShape = {
  readonly [K in keyof typeof MINILM_SHAPE]: number;
};

/** A second encoder of another width (bge-micro's size), for switching the embedding model. */
export const SMALL_SHAPE: EncoderShape = {
  ...MINILM_SHAPE,
  layers: 3,
  hidden: 256,
  heads: 8,
  ffn: 1024,
};

/**
 * last_hidden_state = table[input_ids] * attention_mask. Random 128-d rows are nearly orthogonal,
 * so after mean pooling the cosine between two texts tracks how many word-pieces they share.
 */
export function buildBowModel(seed: number): Uint8Array {
  const g = new GraphBuilder('quire_test_bow');
  const ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const table = randomFloats(VOCAB_SIZE * BOW_DIMS, 1, hashSeed('bow.table', seed));
  // Special tokens appear in every text; shrink them so they barely count, but never to zero:
  // an empty text ([CLS][SEP]) must still give a vector that can be normalized.
  for (const id of SPECIAL_TOKEN_IDS) {
    for (let j = 0; j < BOW_DIMS; j++) table[id * BOW_DIMS + j]! *= 0.05;
  }
  g.floats('embeddings.word', [VOCAB_SIZE, BOW_DIMS], table);
  const gathered = g.op('Gather', ['embeddings.word', ids], { axis: 0 });
  const maskF = g.op('Cast', [mask], { to: FLOAT });
  g.ints('axes_last', [1], [-1]);
  const mask3 = g.op('Unsqueeze', [maskF, 'axes_last']);
  g.op('Mul', [gathered, mask3], {}, 'last_hidden_state');
  g.output('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', BOW_DIMS]);
  return g.encode();
}

/**
 * BERT encoder with MiniLM-L6's exact shape and random weights: same FLOPs as the real model.
 * The nodes follow the PyTorch/optimum export of BertModel, so onnxruntime's graph fusions see
 * what they would see in the real file. At opset 11 they fuse Attention, LayerNorm and GELU;
 * at opset 13+ the attention fusion's op-version checks no longer match.
 */
export function buildMiniLmShapeModel(
  seed: number,
  opset = 11,
  shape: EncoderShape = MINILM_SHAPE,
): Uint8Array {
  const { layers, hidden, heads, ffn, vocab, maxPositions, typeVocab } = shape;
  const headDim = hidden / heads;
  const g = new GraphBuilder('quire_test_minilm_shape');
  const ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', INT64, ['batch_size', 'sequence_length']);

  const weight = (name: string, dims: number[], std = 0.02): string =>
    g.floats(
      name,
      dims,
      randomFloats(
        dims.reduce((a, b) => a * b, 1),
        std,
        hashSeed(name, seed),
      ),
    );
  const constant = (name: string, dims: number[], value: number): string =>
    g.floats(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
  const unsqueeze = (x: string, axis: number): string =>
    opset < 13
      ? g.op('Unsqueeze', [x], { axes: [axis] })
      : g.op('Unsqueeze', [x, g.ints(`axes_${axis}`, [1], [axis])]);
  const reduceMean = (x: string): string =>
    opset < 18 ? g.op('ReduceMean', [x], { axes: [-1] }) : g.op('ReduceMean', [x, 'axes_last']);
  const layerNorm = (x: string, prefix: string): string => {
    const gamma = constant(`${prefix}.gamma`, [hidden], 1);
    const beta = constant(`${prefix}.beta`, [hidden], 0);
    if (opset >= 17)
      return g.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: 1e-12 } });
    // The decomposed form that torch exports below opset 17.
    const centered = g.op('Sub', [x, reduceMean(x)]);
    const variance = reduceMean(g.op('Pow', [centered, 'f_two']));
    const normalized = g.op('Div', [centered, g.op('Sqrt', [g.op('Add', [variance, 'f_eps'])])]);
    return g.op('Add', [g.op('Mul', [normalized, gamma]), beta]);
  };
  const linear = (x: string, prefix: string, inDim: number, outDim: number): string =>
    g.op('Add', [
      g.op('MatMul', [x, weight(`${prefix}.weight`, [inDim, outDim])]),
      weight(`${prefix}.bias`, [outDim]),
    ]);

  g.ints('zero', [], [0]);
  g.ints('one', [], [1]);
  if (opset >= 18) g.ints('axes_last', [1], [-1]);
  g.ints('heads_shape', [4], [0, 0, heads, headDim]);
  g.ints('merge_shape', [3], [0, 0, hidden]);
  g.floats('f_one', [], new Float32Array([1]));
  if (opset < 17) {
    g.floats('f_two', [], new Float32Array([2]));
    g.floats('f_eps', [], new Float32Array([1e-12]));
  }
  g.floats('f_mask_min', [], new Float32Array([-10000]));
  g.floats('f_sqrt_head', [], new Float32Array([Math.sqrt(headDim)]));
  g.floats('f_sqrt2', [], new Float32Array([Math.SQRT2]));
  g.floats('f_half', [], new Float32Array([0.5]));

  // Embeddings: word + token type + position, then LayerNorm.
  const word = g.op('Gather', [weight('embeddings.word', [vocab, hidden]), ids], { axis: 0 });
  const tok = g.op('Gather', [weight('embeddings.token_type', [typeVocab, hidden]), types], {
    axis: 0,
  });
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), 'one'], { axis: 0 });
  const positions = g.op('Range', ['zero', seqLen, 'one']);
  const pos = g.op('Gather', [weight('embeddings.position', [maxPositions, hidden]), positions], {
    axis: 0,
  });
  let h = layerNorm(g.op('Add', [g.op('Add', [word, tok]), pos]), 'embeddings.norm');

  // Additive attention bias: 0 where attended, -10000 on padding; shape [batch, 1, 1, seq].
  const mask4 = unsqueeze(unsqueeze(mask, 1), 2);
  const bias = g.op('Mul', [
    g.op('Sub', ['f_one', g.op('Cast', [mask4], { to: FLOAT })]),
    'f_mask_min',
  ]);

  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`;
    const split = (x: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [x, 'heads_shape'])], { perm });
    const q = split(linear(h, `${p}.attention.query`, hidden, hidden), [0, 2, 1, 3]);
    const k = split(linear(h, `${p}.attention.key`, hidden, hidden), [0, 2, 3, 1]);
    const v = split(linear(h, `${p}.attention.value`, hidden, hidden), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), 'f_sqrt_head']), bias]);
    const probs = g.op('Softmax', [scores], { axis: 3 });
    const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
    const merged = g.op('Reshape', [context, 'merge_shape']);
    const attnOut = linear(merged, `${p}.attention.output`, hidden, hidden);
    h = layerNorm(g.op('Add', [attnOut, h]), `${p}.attention.norm`);

    // FFN with exact (erf) GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
    const up = linear(h, `${p}.intermediate`, hidden, ffn);
    const erf = g.op('Erf', [g.op('Div', [up, 'f_sqrt2'])]);
    const gelu = g.op('Mul', [g.op('Mul', [up, g.op('Add', [erf, 'f_one'])]), 'f_half']);
    const down = linear(gelu, `${p}.output`, ffn, hidden);
    h = layerNorm(g.op('Add', [down, h]), `${p}.output.norm`);
  }
  g.op('Identity', [h], {}, 'last_hidden_state');
  g.output('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden]);
  return g.encode(opset);
}

/** The scale of the reranker's logits: cosines in [-1, 1] become scores in [-10, 10]. */
export const BOW_RERANKER_SCALE = 10;

/**
 * A cross-encoder with BERT sequence-classification I/O: logits [batch, 1] = scale · cosine
 * between the summed word-piece rows of segment A (token_type 0) and of segment B (token_type 1).
 * Padding and special tokens weigh nothing, so the score tracks how many word-pieces a passage
 * shares with the query. Sums and means have the same cosine, so no division is needed.
 */
export function buildBowRerankerModel(seed: number): Uint8Array {
  const g = new GraphBuilder('quire_test_bow_reranker');
  const ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', INT64, ['batch_size', 'sequence_length']);
  g.floats(
    'embeddings.word',
    [VOCAB_SIZE, BOW_DIMS],
    randomFloats(VOCAB_SIZE * BOW_DIMS, 1, hashSeed('bow_reranker.table', seed)),
  );
  const content = new Float32Array(VOCAB_SIZE).fill(1);
  for (const id of SPECIAL_TOKEN_IDS) content[id] = 0;
  g.floats('content_weight', [VOCAB_SIZE], content);
  g.floats('f_one', [], new Float32Array([1]));
  g.floats('f_eps', [], new Float32Array([1e-6]));
  g.floats('f_scale', [], new Float32Array([BOW_RERANKER_SCALE]));
  g.ints('axes_seq', [1], [1]);
  g.ints('axes_last', [1], [-1]);

  // Per-token weights [batch, seq]: attended, not special, and in the segment.
  const tokenWeight = g.op('Mul', [
    g.op('Cast', [mask], { to: FLOAT }),
    g.op('Gather', ['content_weight', ids], { axis: 0 }),
  ]);
  const typeF = g.op('Cast', [types], { to: FLOAT });
  const inA = g.op('Mul', [tokenWeight, g.op('Sub', ['f_one', typeF])]);
  const inB = g.op('Mul', [tokenWeight, typeF]);

  const rows = g.op('Gather', ['embeddings.word', ids], { axis: 0 });
  const segmentSum = (weights: string): string =>
    g.op(
      'ReduceSum',
      [g.op('Mul', [rows, g.op('Unsqueeze', [weights, 'axes_last'])]), 'axes_seq'],
      {
        keepdims: 0,
      },
    );
  const a = segmentSum(inA);
  const b = segmentSum(inB);
  const dot = (x: string, y: string): string =>
    g.op('ReduceSum', [g.op('Mul', [x, y]), 'axes_last'], { keepdims: 1 });
  // eps keeps an empty segment at score 0 instead of NaN.
  const norms = g.op('Mul', [
    g.op('Sqrt', [g.op('Add', [dot(a, a), 'f_eps'])]),
    g.op('Sqrt', [g.op('Add', [dot(b, b), 'f_eps'])]),
  ]);
  g.op('Mul', [g.op('Div', [dot(a, b), norms]), 'f_scale'], {}, 'logits');
  g.output('logits', FLOAT, ['batch_size', 1]);
  return g.encode();
}

/** The test NLI model's labels, in its logits' order (the order of DeBERTa NLI cross-encoders). */
export const BOW_NLI_LABELS = ['contradiction', 'entailment', 'neutral'] as const;

/**
 * An NLI cross-encoder with BERT sequence-classification I/O: logits [batch, 3] in BOW_NLI_LABELS
 * order, from the share of segment B's word-pieces (the hypothesis) that occur anywhere in
 * segment A (the premise). Coverage, not cosine: a short sentence drawn from a long passage is
 * fully covered though the two bags are far apart. All of B found reads as entailment, half as
 * neutral, none as contradiction. Exact id matches, so no weights and no seed.
 */
export function buildBowNliModel(): Uint8Array {
  const g = new GraphBuilder('quire_test_bow_nli');
  const ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', INT64, ['batch_size', 'sequence_length']);
  const content = new Float32Array(VOCAB_SIZE).fill(1);
  for (const id of SPECIAL_TOKEN_IDS) content[id] = 0;
  g.floats('content_weight', [VOCAB_SIZE], content);
  g.floats('f_one', [], new Float32Array([1]));
  g.floats('f_eps', [], new Float32Array([1e-6]));
  // logits = coverage · W + b; coverage 1 → (−4, 4, 0), 0.5 → (−1, −1, 0), 0 → (2, −6, 0).
  g.floats('nli.weight', [1, 3], new Float32Array([-6, 10, 0]));
  g.floats('nli.bias', [3], new Float32Array([2, -6, 0]));
  g.ints('axes_1', [1], [1]);
  g.ints('axes_2', [1], [2]);

  const tokenWeight = g.op('Mul', [
    g.op('Cast', [mask], { to: FLOAT }),
    g.op('Gather', ['content_weight', ids], { axis: 0 }),
  ]);
  const typeF = g.op('Cast', [types], { to: FLOAT });
  const inA = g.op('Mul', [tokenWeight, g.op('Sub', ['f_one', typeF])]);
  const inB = g.op('Mul', [tokenWeight, typeF]);

  // same[b, i, j] = 1 where tokens i and j have the same id; inPremise keeps the j in segment A.
  const same = g.op(
    'Cast',
    [g.op('Equal', [g.op('Unsqueeze', [ids, 'axes_2']), g.op('Unsqueeze', [ids, 'axes_1'])])],
    { to: FLOAT },
  );
  const inPremise = g.op('Mul', [same, g.op('Unsqueeze', [inA, 'axes_1'])]);
  const found = g.op('ReduceMax', [inPremise], { axes: [2], keepdims: 0 });
  const covered = g.op('ReduceSum', [g.op('Mul', [found, inB]), 'axes_1'], { keepdims: 1 });
  const total = g.op('ReduceSum', [inB, 'axes_1'], { keepdims: 1 });
  const coverage = g.op('Div', [covered, g.op('Add', [total, 'f_eps'])]);
  g.op('Add', [g.op('MatMul', [coverage, 'nli.weight']), 'nli.bias'], {}, 'logits');
  g.output('logits', FLOAT, ['batch_size', BOW_NLI_LABELS.length]);
  return g.encode();
}
