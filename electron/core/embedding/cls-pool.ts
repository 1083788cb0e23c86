// [CLS] pooling + L2 normalization: the first token's hidden state is the text's vector.
// BGE models were trained and scored this way; mean pooling them costs retrieval quality.

/** Writes row `b` of the batch to `out` at row `rows[b]`, as meanPoolNormalize does. */
export function clsPoolNormalize(
  hidden: Float32Array,
  shape: { batch: number; seq: number; dims: number },
  out: Float32Array,
  rows: readonly number[],
): void {
  const { batch, seq, dims } = shape;
  for (let b = 0; b < batch; b++) {
    const base = b * seq * dims;
    let norm = 0;
    for (let k = 0; k < dims; k++) norm += hidden[base + k]! * hidden[base + k]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const offset = rows[b]! * dims;
    for (let k = 0; k < dims; k++) out[offset + k] = hidden[base + k]! * scale;
  }
}
