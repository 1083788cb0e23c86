import { AutoTokenizer, BertTokenizer, env } from '@huggingface/transformers';

/** Counts tokens the way the embedding model will see them. */
export type TokenCounter = {
  count(text: string): number;
  /**
   * True when count(a + ' ' + b) === count(a) + count(b) - count('') for all a and b, as
   * with BERT's pre-tokenizer, which splits at whitespace before WordPiece. The chunker
   * then trusts sums for chunks joined at whitespace instead of counting them again.
   */
  additive?: boolean;
};

/**
 * Loads a model's tokenizer from local files only (tokenizer.json and its config; no ONNX
 * weights needed) and counts with `encode(text).length`. That count INCLUDES the special
 * tokens the model adds around every input (for BERT-style models [CLS] and [SEP], so
 * `count('') === 2`); the chunker subtracts `count('')` where it sums pieces.
 *
 * transformers.js keeps its settings in a process-wide `env`; this turns remote loading
 * off and points `localModelPath` at the given folder, as the embedder does.
 */
export async function loadTokenCounter(
  modelId: string,
  localModelPath: string,
): Promise<TokenCounter> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  const additive =
    tokenizer instanceof BertTokenizer ||
    tokenizer.pre_tokenizer?.constructor.name === 'BertPreTokenizer';
  return { count: (text) => tokenizer.encode(text).length, additive };
}
