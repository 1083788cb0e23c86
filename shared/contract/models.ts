import { z } from 'zod';
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

export const modelsMethods = {
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
