// The embedding models Quire offers by name, with published figures. Every figure carries the
// address it was read from; a figure without one is left out, never estimated.
import { z } from 'zod';

const Url = z.string().url().startsWith('https://');

/** A number as a source prints it. */
export const SourcedFigureSchema = z.object({ value: z.number(), source: Url });

/** One published retrieval score, on the 0–100 scale sources print. */
export const QualityFigureSchema = z.object({
  metric: z.enum(['mteb-scifact', 'mteb-retrieval', 'beir-average']),
  /** How to say it, e.g. "MTEB SciFact nDCG@10". */
  label: z.string(),
  value: z.number().min(0).max(100),
  source: Url,
});
export type QualityFigure = z.infer<typeof QualityFigureSchema>;

/** A file of the model's hub repository, with the size the hub's file listing shows (MB = 10^6 bytes). */
export const HubFileSizeSchema = z.object({
  path: z.string(),
  megabytes: z.number().positive(),
  source: Url,
});

export const EmbeddingModelEntrySchema = z.object({
  /** The transformers.js repository Quire downloads from, and the id in settings. */
  id: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  name: z.string(),
  /** The original model the ONNX weights were converted from. */
  upstream: z.string(),
  languages: z.object({
    multilingual: z.boolean(),
    /** "English", "About 100 languages". */
    label: z.string(),
    source: Url,
  }),
  dims: SourcedFigureSchema,
  /** How token vectors become one vector: the pooling the published figures were measured with. */
  pooling: z.object({ mode: z.enum(['mean', 'cls']), source: Url }),
  /** Text the model was trained to see before a search or a stored passage; empty when none. */
  prefixes: z.object({ query: z.string(), passage: z.string(), source: Url }).nullable(),
  /** fp32 weights, quantized (q8) weights, and the tokenizer, as the hub lists them. */
  files: z.object({ fp32: HubFileSizeSchema, q8: HubFileSizeSchema, tokenizer: HubFileSizeSchema }),
  quality: z.array(QualityFigureSchema).min(1),
  license: z.string(),
  summary: z.string(),
});
export type EmbeddingModelEntry = z.infer<typeof EmbeddingModelEntrySchema>;

// Pinned commits, so a link shows the figure as it was read.
const MTEB_RESULTS =
  'https://github.com/embeddings-benchmark/results/blob/f4cc6c8b365a3c779dbc708d6affe0b0355b2ddf/results';
const BGE_README =
  'https://github.com/FlagOpen/FlagEmbedding/blob/7ed43d67ec03fbe5c31c0992dbfa941fb1860549';
const BGE_EVALUATION = `${BGE_README}/research/baai_general_embedding/README.md`;
const E5_README =
  'https://github.com/microsoft/unilm/blob/768a3c873f598bb9b4d4dfb9267b099e35f8fe56/e5/README.md';
/** A hub listing: `tree/<revision>/<folder>` at the revision the size was read from. */
const hub = (repo: string, path: string) => `https://huggingface.co/${repo}/${path}`;

const SCIFACT = 'MTEB SciFact nDCG@10';
const scifact = (value: number, folder: string): QualityFigure => ({
  metric: 'mteb-scifact',
  label: SCIFACT,
  value,
  source: `${MTEB_RESULTS}/${folder}/SciFact.json`,
});

function hubFiles(
  repo: string,
  weights: { fp32: number; q8: number; listing: string },
  tokenizer: { megabytes: number; listing: string },
) {
  const onnx = hub(repo, weights.listing);
  return {
    fp32: { path: 'onnx/model.onnx', megabytes: weights.fp32, source: onnx },
    q8: { path: 'onnx/model_quantized.onnx', megabytes: weights.q8, source: onnx },
    tokenizer: {
      path: 'tokenizer.json',
      megabytes: tokenizer.megabytes,
      source: hub(repo, tokenizer.listing),
    },
  };
}

const BGE_QUERY = 'Represent this sentence for searching relevant passages: ';
const E5_PREFIXES = { query: 'query: ', passage: 'passage: ' };

/**
 * Small models that run on a laptop's CPU, English first, smallest first. SciFact is the one
 * retrieval score every entry has from the same source (the MTEB results repository); an
 * average over many retrieval sets is added where the authors publish one.
 */
export const EMBEDDING_MODEL_CATALOG: readonly EmbeddingModelEntry[] = [
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    name: 'all-MiniLM-L6-v2',
    upstream: 'sentence-transformers/all-MiniLM-L6-v2',
    languages: {
      multilingual: false,
      label: 'English',
      source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2',
    },
    dims: { value: 384, source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2' },
    pooling: {
      mode: 'mean',
      source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2',
    },
    prefixes: null,
    files: hubFiles(
      'Xenova/all-MiniLM-L6-v2',
      { fp32: 90.4, q8: 23, listing: 'tree/da5f6eac91a9596269707e15ec694e50e25a0d14/onnx' },
      { megabytes: 0.712, listing: 'blob/95d8d8c73b6089d81e86e4e31b70a46c590509c4/tokenizer.json' },
    ),
    quality: [
      scifact(
        64.508,
        'sentence-transformers__all-MiniLM-L6-v2/8b3219a92973c328a8e22fadcfa821b5dc75636a',
      ),
    ],
    license: 'Apache-2.0',
    summary: 'Small and quick; Quire’s default.',
  },
  {
    id: 'Xenova/bge-small-en-v1.5',
    name: 'bge-small-en-v1.5',
    upstream: 'BAAI/bge-small-en-v1.5',
    languages: { multilingual: false, label: 'English', source: `${BGE_README}/README.md` },
    dims: { value: 384, source: BGE_EVALUATION },
    pooling: { mode: 'cls', source: BGE_EVALUATION },
    prefixes: { query: BGE_QUERY, passage: '', source: `${BGE_README}/README.md` },
    files: hubFiles(
      'Xenova/bge-small-en-v1.5',
      { fp32: 133, q8: 34, listing: 'tree/main/onnx' },
      { megabytes: 0.711, listing: 'tree/c7bf542b0617f9e91f4797a0f805af175dbdd0bf' },
    ),
    quality: [
      scifact(71.273, 'BAAI__bge-small-en-v1.5/5c38ec7c405ec4b44b94cc5a9bb96e735b38267a'),
      {
        metric: 'mteb-retrieval',
        label: 'MTEB retrieval average (15 sets)',
        value: 51.68,
        source: BGE_EVALUATION,
      },
    ],
    license: 'MIT',
    summary: 'The best English retrieval here for its size.',
  },
  {
    id: 'Xenova/bge-base-en-v1.5',
    name: 'bge-base-en-v1.5',
    upstream: 'BAAI/bge-base-en-v1.5',
    languages: { multilingual: false, label: 'English', source: `${BGE_README}/README.md` },
    dims: { value: 768, source: BGE_EVALUATION },
    pooling: { mode: 'cls', source: BGE_EVALUATION },
    prefixes: { query: BGE_QUERY, passage: '', source: `${BGE_README}/README.md` },
    files: hubFiles(
      'Xenova/bge-base-en-v1.5',
      { fp32: 436, q8: 110, listing: 'tree/main/onnx' },
      { megabytes: 0.711, listing: 'tree/main' },
    ),
    quality: [
      scifact(74.345, 'BAAI__bge-base-en-v1.5/a5beb1e3e68b9ab74eb54cfd186867f64f240e1a'),
      {
        metric: 'mteb-retrieval',
        label: 'MTEB retrieval average (15 sets)',
        value: 53.25,
        source: BGE_EVALUATION,
      },
    ],
    license: 'MIT',
    summary: 'The most accurate English model here; larger vectors, slower to index.',
  },
  {
    id: 'Xenova/multilingual-e5-small',
    name: 'multilingual-e5-small',
    upstream: 'intfloat/multilingual-e5-small',
    languages: {
      multilingual: true,
      label: 'About 100 languages',
      source: 'https://huggingface.co/intfloat/multilingual-e5-small',
    },
    dims: { value: 384, source: E5_README },
    pooling: { mode: 'mean', source: 'https://huggingface.co/intfloat/multilingual-e5-small' },
    prefixes: { ...E5_PREFIXES, source: 'https://huggingface.co/intfloat/multilingual-e5-small' },
    files: hubFiles(
      'Xenova/multilingual-e5-small',
      { fp32: 470, q8: 118, listing: 'tree/ae61bf0193ce3851dc8a45147e459b04ed783d8a/onnx' },
      { megabytes: 17.1, listing: 'tree/97cb8f96eaed1a1f0dac821239943e854fce9c36' },
    ),
    quality: [
      scifact(67.585, 'intfloat__multilingual-e5-small/fd1525a9fd15316a2d503bf26ab031a61d056e98'),
      {
        metric: 'beir-average',
        label: 'BEIR average nDCG@10',
        value: 46.6,
        source: E5_README,
      },
    ],
    license: 'MIT',
    summary: 'Matches questions and passages in many languages.',
  },
  {
    id: 'Xenova/multilingual-e5-base',
    name: 'multilingual-e5-base',
    upstream: 'intfloat/multilingual-e5-base',
    languages: {
      multilingual: true,
      label: 'About 100 languages',
      source: 'https://huggingface.co/intfloat/multilingual-e5-base',
    },
    dims: { value: 768, source: E5_README },
    pooling: { mode: 'mean', source: 'https://huggingface.co/intfloat/multilingual-e5-base' },
    prefixes: { ...E5_PREFIXES, source: 'https://huggingface.co/intfloat/multilingual-e5-base' },
    files: hubFiles(
      'Xenova/multilingual-e5-base',
      { fp32: 1110, q8: 279, listing: 'tree/main/onnx' },
      { megabytes: 17.1, listing: 'tree/main' },
    ),
    quality: [
      scifact(69.65, 'intfloat__multilingual-e5-base/d13f1b27baf31030b7fd040960d60d909913633f'),
      {
        metric: 'beir-average',
        label: 'BEIR average nDCG@10',
        value: 48.9,
        source: E5_README,
      },
    ],
    license: 'MIT',
    summary: 'Scores above the small one; a large download.',
  },
];

export function findEmbeddingModel(id: string): EmbeddingModelEntry | undefined {
  return EMBEDDING_MODEL_CATALOG.find((entry) => entry.id === id);
}

/** What Quire fetches for the model: one of the weight files and the tokenizer (MB = 10^6 bytes). */
export function downloadMegabytes(entry: EmbeddingModelEntry, dtype: 'q8' | 'fp32' = 'q8'): number {
  return entry.files[dtype].megabytes + entry.files.tokenizer.megabytes;
}

/** "24 MB (int8) or 91 MB (fp32)": the two downloads a precision setting chooses between. */
export function describeDownloads(entry: EmbeddingModelEntry): string {
  return (
    `${formatHubSize(downloadMegabytes(entry, 'q8'))} (int8) or ` +
    `${formatHubSize(downloadMegabytes(entry, 'fp32'))} (fp32)`
  );
}

/** "23 MB", "1.11 GB", as the hub prints sizes (decimal units). */
export function formatHubSize(megabytes: number): string {
  if (megabytes >= 1000) return `${(megabytes / 1000).toFixed(2)} GB`;
  return megabytes >= 10 ? `${Math.round(megabytes)} MB` : `${megabytes.toFixed(1)} MB`;
}

/** A score as the leaderboards print it: at most two decimals. */
export function formatScore(value: number): string {
  return String(Number(value.toFixed(2)));
}
