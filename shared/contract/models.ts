import { z } from 'zod';
import { LanguageModelEntrySchema } from '../model-catalog';
import { ModelDownloadStateSchema, ModelKindSchema } from '../models';
import { method } from './define';

export const ModelStatusSchema = z.object({
  kind: ModelKindSchema,
  modelId: z.string(),
  /** The model's files are complete on disk. */
  present: z.boolean(),
  /** Where the model is, or the folder a download (or a hand-copied folder) goes to. */
  path: z.string().nullable(),
  /** About how much a download fetches, when Quire knows the model; null otherwise. */
  approxBytes: z.number().int().nonnegative().nullable(),
  /** The latest download of this model since Quire started, or null. */
  download: ModelDownloadStateSchema.nullable(),
});
export type ModelStatus = z.infer<typeof ModelStatusSchema>;

/** A catalogue chat model as this machine sees it. */
export const LanguageModelStatusSchema = LanguageModelEntrySchema.extend({
  present: z.boolean(),
  /** The GGUF file's path when present, or where a download puts it. */
  path: z.string().nullable(),
  /** This machine has at least the memory the model asks for. */
  fitsInMemory: z.boolean(),
  /** The provider in settings runs this file. */
  selected: z.boolean(),
  download: ModelDownloadStateSchema.nullable(),
});
export type LanguageModelStatus = z.infer<typeof LanguageModelStatusSchema>;

export const modelsMethods = {
  'models.catalog': method({
    summary:
      'The chat models Quire can download, with size, memory needs and whether this machine fits them.',
    args: z.object({}).strict(),
    result: z.object({
      models: z.array(LanguageModelStatusSchema),
      totalMemoryBytes: z.number().nonnegative(),
      /** The largest model that fits this machine, smallest first when none does. */
      recommendedId: z.string(),
      hub: z.string(),
    }),
  }),
  'models.downloadLanguageModel': method({
    summary:
      'Start downloading a catalogue chat model; returns at once. When it completes it becomes the embedded model in settings.',
    args: z.object({ id: z.string().min(1).max(128) }).strict(),
    result: z.object({ stream: z.string(), state: ModelDownloadStateSchema }),
  }),
  'models.cancelLanguageModel': method({
    summary: 'Stop a chat model download; nothing partial is ever used.',
    args: z.object({ id: z.string().min(1).max(128) }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  }),
  'models.status': method({
    summary: 'Which models are present or missing, and where they are or go.',
    args: z.object({}).strict(),
    result: z.object({ models: z.array(ModelStatusSchema), hub: z.string() }),
  }),
  'models.download': method({
    summary: 'Start downloading a model; returns at once. Progress arrives on the system stream.',
    args: z.object({ model: ModelKindSchema }).strict(),
    result: z.object({ stream: z.string(), state: ModelDownloadStateSchema }),
  }),
  'models.cancelDownload': method({
    summary: 'Stop a model download; nothing partial is ever used.',
    args: z.object({ model: ModelKindSchema }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  }),
};
