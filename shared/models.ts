import { z } from 'zod';
import { ErrorCodeSchema } from './errors';

/** Embedding models Settings offers by name; any other Hugging Face id can be typed in. */
export const SUGGESTED_EMBEDDING_MODELS = [
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    label: 'English: all-MiniLM-L6-v2 (fast, about 24 MB)',
  },
  {
    id: 'Xenova/multilingual-e5-small',
    label: 'Multilingual: multilingual-e5-small (about 100 languages, about 118 MB)',
  },
] as const;

export const ModelKindSchema = z.enum(['embedding', 'reranker', 'entailment']);
export type ModelKind = z.infer<typeof ModelKindSchema>;

/** What a download fetches: a retrieval or answer-checking model, or a chat model from the catalogue. */
export const DownloadKindSchema = z.enum(['embedding', 'reranker', 'entailment', 'language']);
export type DownloadKind = z.infer<typeof DownloadKindSchema>;

/** One model download as the settings screen shows it; also the progress event's payload. */
export const ModelDownloadStateSchema = z.object({
  kind: DownloadKindSchema,
  /** The model's hub id; for a chat model, its catalogue id. */
  modelId: z.string(),
  state: z.enum(['running', 'done', 'error', 'cancelled']),
  /** The file being fetched, or null before the first and after the last. */
  file: z.string().nullable(),
  receivedBytes: z.number().nonnegative(),
  /** Null until the hub has said how large the files are. */
  totalBytes: z.number().nonnegative().nullable(),
  fraction: z.number().min(0).max(1).nullable(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
  /** Done, but Quire must restart before it uses the model (e.g. a different vector width). */
  restartRequired: z.boolean(),
});
export type ModelDownloadState = z.infer<typeof ModelDownloadStateSchema>;

/** One key per download: the model kind, or `language:<catalogue id>` for chat models. */
export function downloadKey(state: Pick<ModelDownloadState, 'kind' | 'modelId'>): string {
  return state.kind === 'language' ? `language:${state.modelId}` : state.kind;
}
