import { z } from 'zod';
import { ErrorCodeSchema } from '../errors';
import { LibrarySettingsSchema, ProviderSettingsSchema, SettingsSchema } from '../settings';
import { method } from './define';

const KeyProviderSchema = z.enum(['openai', 'anthropic']);

/** Whether reranking really runs, and if it cannot, why (in plain words). */
export const RerankerStatusSchema = z.object({
  enabled: z.boolean(),
  /** The model's files are present (and did not fail to load). */
  available: z.boolean(),
  /** enabled and available: searches are reranked. */
  active: z.boolean(),
  modelId: z.string(),
  /** Where the model was found, or the first place Quire expects it. */
  modelPath: z.string().nullable(),
  /** Why reranking cannot run, e.g. "Reranker model not found at …; reranking is off"; else null. */
  notice: z.string().nullable(),
});
export type RerankerStatus = z.infer<typeof RerankerStatusSchema>;

/** Whether answers are also checked with the entailment model, and if not, why. */
export const EntailmentStatusSchema = RerankerStatusSchema.extend({
  /** The model's files are in a model folder, though they may fail to load (then `notice` says so). */
  installed: z.boolean(),
});
export type EntailmentStatus = z.infer<typeof EntailmentStatusSchema>;

/** The library this Quire opened, and where its address came from. */
export const LibraryStatusSchema = z.object({
  /** The open library: a folder, s3://bucket/prefix or az://container/prefix. */
  uri: z.string(),
  readOnly: z.boolean(),
  /** A --library flag for this run, Settings, or the data folder (nothing set). */
  source: z.enum(['flag', 'settings', 'default']),
  /** Whether the secret for Settings' bucket or container is stored; it never leaves main. */
  secretStored: z.boolean(),
  /** Why Settings' library could not be opened (the data folder's was, instead); else null. */
  problem: z.string().nullable(),
});
export type LibraryStatus = z.infer<typeof LibraryStatusSchema>;

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  /** Whether a key is stored for each provider; the key itself never leaves main. */
  keys: z.object({ openai: z.boolean(), anthropic: z.boolean() }),
  secretBackend: z.enum(['keychain', 'safeStorage', 'session']),
  /** True while no remote provider is active: nothing leaves the machine. */
  offline: z.boolean(),
  /** Problems met when the settings were opened, e.g. a corrupt file that was reset. */
  warnings: z.array(z.string()).optional(),
  /** Optional so that a renderer keeps working against an older core. */
  reranker: RerankerStatusSchema.optional(),
  entailment: EntailmentStatusSchema.optional(),
  /** Saved settings the running indexer does not use yet, by label; they apply on restart. */
  pendingRestart: z.array(z.string()).optional(),
  library: LibraryStatusSchema.optional(),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const settingsMethods = {
  'settings.get': method({
    summary: 'Settings, which keys are stored, where, and whether Quire is fully offline.',
    args: z.object({}).strict(),
    result: SettingsViewSchema,
  }),
  'settings.update': method({
    summary: 'Replace the settings (validated; keys are not settings).',
    args: z.object({ settings: SettingsSchema }).strict(),
    result: SettingsViewSchema,
  }),
  'settings.setApiKey': method({
    summary: 'Store an API key in the OS keychain (write-only).',
    args: z
      .object({ provider: KeyProviderSchema, key: z.string().trim().min(8).max(512) })
      .strict(),
    result: SettingsViewSchema,
  }),
  'settings.clearApiKey': method({
    summary: 'Delete a stored API key.',
    args: z.object({ provider: KeyProviderSchema }).strict(),
    result: SettingsViewSchema,
  }),
  'settings.setLibrarySecret': method({
    summary: "Store the library bucket's secret access key in the OS keychain (write-only).",
    args: z.object({ secret: z.string().trim().min(1).max(1024) }).strict(),
    result: SettingsViewSchema,
  }),
  'settings.clearLibrarySecret': method({
    summary: "Delete the library bucket's stored secret access key.",
    args: z.object({}).strict(),
    result: SettingsViewSchema,
  }),
  'settings.checkLibrary': method({
    summary:
      'Check a library location before it is saved: the address, and for a bucket that it ' +
      'answers with these keys and holds a Quire library (or nothing yet).',
    args: z
      .object({
        library: LibrarySettingsSchema,
        /** A secret typed but not stored yet; else the stored one. */
        secret: z.string().trim().min(1).max(1024).optional(),
      })
      .strict(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), uri: z.string(), detail: z.string() }),
      z.object({ ok: z.literal(false), code: ErrorCodeSchema, message: z.string() }),
    ]),
  }),
  'providers.test': method({
    summary: 'Test a provider configuration: reach the server or load the model file.',
    args: z.object({ provider: ProviderSettingsSchema }).strict(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), detail: z.string() }),
      z.object({ ok: z.literal(false), code: ErrorCodeSchema, message: z.string() }),
    ]),
  }),
};
