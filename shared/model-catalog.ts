import { z } from 'zod';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

/** One downloadable chat model: a single GGUF file in a Hugging Face repository. */
export const LanguageModelEntrySchema = z.object({
  /** Quire's own short id, used by `quire models download <id>`. */
  id: z.string(),
  name: z.string(),
  parameters: z.string(),
  quantization: z.string(),
  repo: z.string(),
  file: z.string(),
  /** About how large the file is; the download checks the hub's exact size and sha256. */
  sizeBytes: z.number().int().positive(),
  /** Total memory a machine should have to run it alongside Quire (weights, context, indexer). */
  ramBytes: z.number().int().positive(),
  contextLength: z.number().int().positive(),
  license: z.string(),
  summary: z.string(),
});
export type LanguageModelEntry = z.infer<typeof LanguageModelEntrySchema>;

/**
 * Small instruct models that answer well from retrieved passages on an ordinary laptop,
 * smallest first. Q4_K_M keeps most of the quality at about a quarter of the fp16 size.
 */
export const LANGUAGE_MODEL_CATALOG: readonly LanguageModelEntry[] = [
  {
    id: 'qwen2.5-0.5b-instruct',
    name: 'Qwen2.5 0.5B Instruct',
    parameters: '0.5B',
    quantization: 'Q4_K_M',
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    sizeBytes: 491 * MB,
    ramBytes: 2 * GB,
    contextLength: 32768,
    license: 'Apache-2.0',
    summary: 'Fastest; short answers, fine on any machine.',
  },
  {
    id: 'llama-3.2-1b-instruct',
    name: 'Llama 3.2 1B Instruct',
    parameters: '1B',
    quantization: 'Q4_K_M',
    repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    sizeBytes: 808 * MB,
    ramBytes: 3 * GB,
    contextLength: 131072,
    license: 'Llama 3.2 Community License',
    summary: 'Quick, good English; a sensible first choice on older laptops.',
  },
  {
    id: 'qwen2.5-1.5b-instruct',
    name: 'Qwen2.5 1.5B Instruct',
    parameters: '1.5B',
    quantization: 'Q4_K_M',
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    sizeBytes: 1117 * MB,
    ramBytes: 4 * GB,
    contextLength: 32768,
    license: 'Apache-2.0',
    summary: 'Balanced speed and quality; many languages.',
  },
  {
    id: 'llama-3.2-3b-instruct',
    name: 'Llama 3.2 3B Instruct',
    parameters: '3B',
    quantization: 'Q4_K_M',
    repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF',
    file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    sizeBytes: 2020 * MB,
    ramBytes: 6 * GB,
    contextLength: 131072,
    license: 'Llama 3.2 Community License',
    summary: 'Better reasoning over long passages; needs a recent machine.',
  },
  {
    id: 'qwen2.5-3b-instruct',
    name: 'Qwen2.5 3B Instruct',
    parameters: '3B',
    quantization: 'Q4_K_M',
    repo: 'Qwen/Qwen2.5-3B-Instruct-GGUF',
    file: 'qwen2.5-3b-instruct-q4_k_m.gguf',
    sizeBytes: 2105 * MB,
    ramBytes: 6 * GB,
    contextLength: 32768,
    license: 'Qwen Research License',
    summary: 'The strongest here, many languages; non-commercial licence.',
  },
];

export function findCatalogEntry(id: string): LanguageModelEntry | undefined {
  return LANGUAGE_MODEL_CATALOG.find((entry) => entry.id === id);
}
