import { z } from 'zod';
import { ErrorCodeSchema } from './errors';

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

/**
 * A switch of the library's embedding model, done in the background: every passage is
 * embedded again with `targetModel` while search keeps using `fromModel`'s vectors; then one
 * step makes the new vectors the library's. The `model.switch` event and the library snapshot
 * carry it.
 */
export const ModelSwitchStateSchema = z.object({
  /**
   * idle: none under way. downloading: fetching the target first. running / paused: embedding.
   * finishing: building the new table's indexes. done / cancelled / error: ended (error keeps
   * the old model; a resume starts where it stopped).
   */
  state: z.enum([
    'idle',
    'downloading',
    'running',
    'paused',
    'finishing',
    'done',
    'cancelled',
    'error',
  ]),
  fromModel: z.string().nullable(),
  targetModel: z.string().nullable(),
  /** Passages embedded with the target so far, of all the library's passages. */
  doneChunks: z.number().int().nonnegative(),
  totalChunks: z.number().int().nonnegative(),
  /** From the rate so far; null until there is one. */
  secondsLeft: z.number().nonnegative().nullable(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});
export type ModelSwitchState = z.infer<typeof ModelSwitchStateSchema>;
