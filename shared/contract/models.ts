import { z } from 'zod';
import { EmbeddingModelEntrySchema } from '../embedding-catalog';
import { EmbeddingSpeedSchema } from '../embedding-speed';
import { LanguageModelEntrySchema } from '../model-catalog';
import { ModelDownloadStateSchema, ModelKindSchema, ModelSwitchStateSchema } from '../models';
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

/** A catalogue embedding model as this machine sees it. */
export const EmbeddingModelStatusSchema = EmbeddingModelEntrySchema.extend({
  /** Its weights are complete in a models folder (downloaded or bundled). */
  present: z.boolean(),
  /** Where it is, or where a download puts it. */
  path: z.string().nullable(),
  /** The library's vectors come from it now. */
  inUse: z.boolean(),
  /** The latest measurement on this machine; null: not measured yet. */
  speed: EmbeddingSpeedSchema.nullable(),
});
export type EmbeddingModelStatus = z.infer<typeof EmbeddingModelStatusSchema>;

export const EmbeddingCatalogSchema = z.object({
  models: z.array(EmbeddingModelStatusSchema),
  inUseId: z.string(),
  /** The model in use when it is not in the catalogue (a name typed into Settings). */
  other: z
    .object({ id: z.string(), present: z.boolean(), speed: EmbeddingSpeedSchema.nullable() })
    .nullable(),
  /** Models whose speed is being measured now, or waits its turn. */
  measuring: z.array(z.string()),
});
export type EmbeddingCatalog = z.infer<typeof EmbeddingCatalogSchema>;

export const modelsMethods = {
  'models.embeddingCatalog': method({
    summary:
      'The embedding models Quire offers: languages, dimensions, download size, published retrieval scores with their sources, and the speed measured here.',
    args: z.object({}).strict(),
    result: EmbeddingCatalogSchema,
  }),
  'models.measureEmbeddingSpeed': method({
    summary:
      'Measure how fast an installed embedding model embeds a built-in sample of 200 passages on this machine; keeps the figure.',
    args: z.object({ id: z.string().min(1).max(256) }).strict(),
    result: z.object({ speed: EmbeddingSpeedSchema }),
  }),
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
  'models.switch': method({
    summary:
      "Switch the library's embedding model in the background (downloading it first if needed); search keeps the old vectors until the new ones are all there. Returns at once; progress comes as model.switch events on the library stream.",
    args: z.object({ modelId: z.string().min(1).max(200) }).strict(),
    result: ModelSwitchStateSchema,
  }),
  'models.switchStatus': method({
    summary: 'Where the embedding model switch stands.',
    args: z.object({}).strict(),
    result: ModelSwitchStateSchema,
  }),
  'models.switchPause': method({
    summary: 'Pause the embedding model switch; it stays paused across restarts.',
    args: z.object({}).strict(),
    result: ModelSwitchStateSchema,
  }),
  'models.switchResume': method({
    summary: 'Resume a paused (or stopped by an error) embedding model switch where it stopped.',
    args: z.object({}).strict(),
    result: ModelSwitchStateSchema,
  }),
  'models.switchCancel': method({
    summary:
      'Cancel the embedding model switch: the library keeps its model and the new vectors are removed.',
    args: z.object({}).strict(),
    result: ModelSwitchStateSchema,
  }),
};
