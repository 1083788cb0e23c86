// How the indexer starts from settings: which model and backend, how many workers, what each
// worker is told, and what a settings change would need a restart for.
import os from 'node:os';
import type { EmbeddingDtype, Settings } from '../../../shared/settings';
import {
  chooseBackend,
  type BackendPreference,
  type CanaryLauncher,
} from '../embedding/backend-canary';
import { DEFAULT_EMBEDDING_MODEL } from '../embedding/model-location';
import { resolveModel, type ResolvedModel } from '../embedding/model-settings';
import { boundHeapGrowth } from './heap-growth';
import { ocrCacheDir } from './ocr-cache';
import { defaultPoolSize, WorkerPool, type WorkerEntry } from './worker-pool';
import type { IndexingWorkerConfig } from './worker-protocol';

export type IndexerOptions = {
  dataDir: string;
  /** Flags that win over settings (the CLI's, tests'); a flag is never "pending restart". */
  embeddingModel?: string;
  /** The model the library's vectors come from (the store's record); settings only name a wish. */
  libraryModel?: string;
  embeddingBackend?: BackendPreference;
  /** Which weights the embedding model runs (the CLI's --embedding-dtype). */
  embeddingDtype?: EmbeddingDtype;
  /** How the native-runtime canary starts (the app's main process passes a utility process). */
  canaryLauncher?: CanaryLauncher;
  modelDir?: string;
  resourcesDir?: string;
  poolSize?: number;
  workerEntry?: WorkerEntry;
  indexing?: Partial<
    Omit<IndexingWorkerConfig, 'embeddingModel' | 'modelDir' | 'backend' | 'dtype'>
  >;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
};

/** What the indexer started with; settings saved later apply on the next start. */
export type IndexerStart = {
  embeddingModel: string;
  embeddingBackend: BackendPreference;
  embeddingDtype: EmbeddingDtype;
  chunkTokens: number;
  maxFileMb: number;
  ocr: boolean;
};

export function indexerStartFrom(settings: Settings, options: IndexerOptions): IndexerStart {
  return {
    embeddingModel:
      options.embeddingModel ??
      options.libraryModel ??
      settings.retrieval.embeddingModel ??
      DEFAULT_EMBEDDING_MODEL,
    embeddingBackend: options.embeddingBackend ?? settings.retrieval.embeddingBackend,
    embeddingDtype: options.embeddingDtype ?? settings.retrieval.embeddingDtype,
    chunkTokens: settings.retrieval.chunkTokens,
    maxFileMb: settings.indexing.maxFileMb,
    ocr: settings.indexing.ocr,
  };
}

/** Saved settings that differ from what the indexer started with (flags are not compared). */
export function pendingRestart(
  start: IndexerStart,
  saved: Settings,
  flags: Pick<IndexerOptions, 'embeddingModel' | 'embeddingBackend' | 'embeddingDtype'>,
): string[] {
  // The embedding model is not here: choosing another one switches it in the background.
  const pending: string[] = [];
  if (!flags.embeddingBackend && saved.retrieval.embeddingBackend !== start.embeddingBackend)
    pending.push('embedding backend');
  if (!flags.embeddingDtype && saved.retrieval.embeddingDtype !== start.embeddingDtype)
    pending.push('embedding precision');
  if (saved.retrieval.chunkTokens !== start.chunkTokens) pending.push('chunk size');
  if (saved.indexing.maxFileMb !== start.maxFileMb) pending.push('largest file size');
  if (saved.indexing.ocr !== start.ocr) pending.push('OCR setting');
  return pending;
}

/** ONNX threads share the cores between workers; the coordinating thread mostly waits. */
export function threadsPerWorker(poolSize: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / poolSize));
}

export function workerConfig(
  start: IndexerStart,
  model: Pick<ResolvedModel, 'modelId' | 'modelDir'>,
  backend: IndexingWorkerConfig['backend'],
  poolSize: number,
  options: Pick<IndexerOptions, 'dataDir' | 'indexing'>,
): IndexingWorkerConfig {
  return {
    embeddingModel: model.modelId,
    modelDir: model.modelDir,
    backend,
    // Resolved where the model loads (chooseModelDtype): the folder may gain its files later.
    dtype: start.embeddingDtype,
    threads: threadsPerWorker(poolSize),
    batchSize: 8,
    maxTokens: start.chunkTokens,
    // An eighth of the chunk (32 of the default 256) carries context across the cut.
    overlapTokens: Math.round(start.chunkTokens / 8),
    maxBytes: start.maxFileMb * 1024 * 1024,
    ocr: { enabled: start.ocr, cacheDir: ocrCacheDir(options.dataDir) },
    ...options.indexing,
  };
}

export type Indexer = {
  pool: WorkerPool;
  /** Resolved at start; updated in place when a downloaded model is put to work. */
  model: ResolvedModel;
  start: IndexerStart;
  /**
   * Puts a just-downloaded embedding model to work. Resolves true when Quire must restart:
   * the index holds vectors of one width, and another width is rebuilt on the next open.
   */
  useDownloadedModel(): Promise<boolean>;
};

/** Resolves the model, picks the backend (a canary guards the native one) and sizes the pool. */
export async function startIndexer(settings: Settings, options: IndexerOptions): Promise<Indexer> {
  // This thread turns every chunk the workers send into rows for LanceDB: keep its garbage short.
  boundHeapGrowth();
  const start = indexerStartFrom(settings, options);
  const locate = () =>
    resolveModel({
      modelId: start.embeddingModel,
      modelDir: options.modelDir,
      dataDir: options.dataDir,
      resourcesDir: options.resourcesDir,
    });
  const model = locate();
  const pickBackend = () =>
    chooseBackend(start.embeddingBackend, {
      log: (m) => options.log('info', m),
      ...(options.canaryLauncher ? { launch: options.canaryLauncher } : {}),
    });
  const backend = model.hasWeights ? await pickBackend() : 'native';
  const poolSize = options.poolSize ?? defaultPoolSize();
  const pool = new WorkerPool({
    size: poolSize,
    log: options.log,
    entry: options.workerEntry,
    config: workerConfig(start, model, backend, poolSize, options),
  });
  return {
    pool,
    model,
    start,
    async useDownloadedModel() {
      const fresh = locate();
      if (!fresh.hasWeights || fresh.dims !== model.dims) return true;
      const nextBackend = model.hasWeights ? backend : await pickBackend();
      Object.assign(model, fresh);
      pool.reconfigure({ modelDir: fresh.modelDir, backend: nextBackend });
      return false;
    },
  };
}
