import { isLoopbackUrl } from './loopback';
import { z } from 'zod';

export const ProviderKindSchema = z.enum(['none', 'embedded', 'ollama', 'openai', 'anthropic']);
export type ProviderKind = z.infer<typeof ProviderKindSchema>;

const LoopbackOrHttpsUrl = z.string().url().max(2048);
const ServerContextSize = z.number().int().min(256).max(2_000_000).optional();

/**
 * The embedded model's context unless Settings says otherwise (capped by what the model was
 * trained on): room for a full new turn plus the last exchange, which stays cached.
 */
export const EMBEDDED_DEFAULT_CONTEXT = 4096;

/** Which language model answers. Keys are never here: they live in the OS keychain. */
export const ProviderSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('embedded'),
    modelPath: z.string().min(1).max(4096),
    contextSize: z.number().int().min(256).max(131072).optional(),
    threads: z.number().int().min(1).max(64).optional(),
  }),
  z.object({
    kind: z.literal('ollama'),
    baseUrl: LoopbackOrHttpsUrl.default('http://127.0.0.1:11434/v1'),
    model: z.string().min(1).max(256),
    /** Unset: asked from the server (Ollama's /api/show), else a conservative guess. */
    contextSize: ServerContextSize,
  }),
  z.object({
    kind: z.literal('openai'),
    baseUrl: LoopbackOrHttpsUrl.default('https://api.openai.com/v1'),
    model: z.string().min(1).max(256),
    /** Unset: asked from the server (llama-server's /props), else a guess from the model name. */
    contextSize: ServerContextSize,
  }),
  z.object({
    kind: z.literal('anthropic'),
    baseUrl: LoopbackOrHttpsUrl.optional(),
    model: z.string().min(1).max(256),
  }),
]);
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

/** The cross-encoder used when reranking is on; it is looked for in the model folders. */
export const DEFAULT_RERANKER_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

/** The NLI cross-encoder that checks answers (docs/answer-checks.md); looked for in the model folders. */
export const DEFAULT_ENTAILMENT_MODEL = 'Xenova/nli-deberta-v3-xsmall';

/**
 * Which of the embedding model's weights run: 'auto' takes the int8 file
 * (`onnx/model_quantized.onnx`) when the model has one, else fp32; the rule and the published
 * quality loss it rests on are in core/embedding/model-location.ts (chooseModelDtype).
 */
export const EmbeddingDtypeSchema = z.enum(['auto', 'fp32', 'q8']);
export type EmbeddingDtype = z.infer<typeof EmbeddingDtypeSchema>;

export const RetrievalSettingsSchema = z.object({
  embeddingModel: z.string().min(1).max(256).default('Xenova/all-MiniLM-L6-v2'),
  embeddingBackend: z.enum(['auto', 'native', 'wasm']).default('auto'),
  // New in version 1 files, with a default: older files read as 'auto'.
  embeddingDtype: EmbeddingDtypeSchema.default('auto'),
  chunkTokens: z.number().int().min(64).max(1024).default(256),
  topK: z.number().int().min(1).max(50).default(6),
  mode: z.enum(['hybrid', 'vector', 'text']).default('hybrid'),
  weights: z
    .object({ vector: z.number().min(0).max(10), text: z.number().min(0).max(10) })
    .default({ vector: 1, text: 1 }),
  reranker: z.boolean().default(false),
  rerankerModel: z.string().min(1).max(256).default(DEFAULT_RERANKER_MODEL),
  // On by default: it runs only once its model is present, which the user downloads.
  entailment: z.boolean().default(true),
  entailmentModel: z.string().min(1).max(256).default(DEFAULT_ENTAILMENT_MODEL),
});
export type RetrievalSettings = z.infer<typeof RetrievalSettingsSchema>;

/**
 * Where the library lives (docs/architecture.md, "A library in a bucket"). The secret (an S3
 * secret access key, or an Azure account key) is never here: it lives in the OS keychain, like
 * the API keys. Read when Quire starts.
 */
export const LibrarySettingsSchema = z.object({
  /** '' = the data folder; a folder's full path; s3://bucket/prefix; or az://container/prefix. */
  location: z.string().max(4096).default(''),
  /**
   * S3: another service's address (MinIO, R2 …), e.g. https://minio.example:9000. Azure: the
   * account's blob service address, which may have a path (Azurite's does).
   */
  endpoint: z.string().max(2048).optional(),
  /** S3 only. */
  region: z.string().max(64).optional(),
  /** S3: the access key ID. Azure: the storage account's name. */
  accessKeyId: z.string().max(256).optional(),
  /** Opens the library without the writer's lease: another computer writes it. */
  readOnly: z.boolean().default(false),
  /** A plain-HTTP endpoint beyond this machine (a trusted private network only). */
  allowHttp: z.boolean().default(false),
});
export type LibrarySettings = z.infer<typeof LibrarySettingsSchema>;

export const SETTINGS_VERSION = 1;

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  provider: ProviderSettingsSchema.default({ kind: 'none' }),
  retrieval: RetrievalSettingsSchema.default(RetrievalSettingsSchema.parse({})),
  indexing: z
    .object({
      maxFileMb: z.number().int().min(1).max(4096).default(200),
      /** Read scanned PDF pages and images with OCR (local, English traineddata). */
      ocr: z.boolean().default(true),
    })
    .default({ maxFileMb: 200, ocr: true }),
  /**
   * Other apps talking to `quire mcp`. New in version 1 files, with a default, so older
   * files read as before and older Quires ignore it: no version bump.
   */
  mcp: z.object({ allowIndexing: z.boolean().default(false) }).default({ allowIndexing: false }),
  /** New in version 1 files, with a default (the data folder), like `mcp`: no version bump. */
  library: LibrarySettingsSchema.default({ location: '', readOnly: false, allowHttp: false }),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Remote providers send text off the machine; everything else stays local. */
export function isRemoteProvider(provider: ProviderSettings): boolean {
  if (provider.kind === 'anthropic') return true;
  if (provider.kind === 'openai' || provider.kind === 'ollama')
    return !isLoopbackUrl(provider.baseUrl);
  return false;
}
