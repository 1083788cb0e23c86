import fs from 'node:fs/promises';
import path from 'node:path';
import { createEventHandlers } from './events/event-handlers';
import { StreamHub } from './events/stream-hub';
import { chooseBackend, type BackendPreference } from './embedding/backend-canary';
import { DEFAULT_EMBEDDING_MODEL } from './embedding/model-location';
import { resolveModel } from './embedding/model-settings';
import { defaultPoolSize, WorkerPool } from './indexing/worker-pool';
import type { IndexingWorkerConfig } from './indexing/worker-protocol';
import { FolderWatcher } from './library/folder-watcher';
import { createLibraryHandlers } from './library/library-handlers';
import { LibraryService } from './library/library-service';
import { openLanceChunkStore } from './library/lance-chunk-store';
import { detectKind } from './parsers';
import { consoleLogger, createDispatcher, type Handlers, type Logger } from './rpc/dispatch';
import { QUIRE_VERSION } from './version';

export type QuireCoreOptions = {
  dataDir: string;
  transport?: 'ipc' | 'http' | 'memory';
  logger?: Logger;
  hub?: StreamHub;
  /** Where local models live (transformers.js localModelPath); default `<dataDir>/models`. */
  modelDir?: string;
  resourcesDir?: string;
  embeddingModel?: string;
  embeddingBackend?: BackendPreference;
  poolSize?: number;
  indexing?: Partial<Omit<IndexingWorkerConfig, 'embeddingModel' | 'modelDir' | 'backend'>>;
  /** False for read-only commands: the queue is not resumed. */
  startIndexing?: boolean;
};

/**
 * The headless heart, assembled: the stream hub, every domain's services and handlers,
 * and the dispatcher that all transports share. Runs under plain Node.
 */
export async function createQuireCore(options: QuireCoreOptions) {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const logger = options.logger ?? consoleLogger;
  const hub = options.hub ?? new StreamHub();
  const log = (level: 'info' | 'warn' | 'error', message: string) => (level === 'error' ? logger.error(message) : level === 'warn' ? logger.warn(message) : undefined);

  const model = resolveModel({
    modelId: options.embeddingModel ?? DEFAULT_EMBEDDING_MODEL,
    modelDir: options.modelDir,
    dataDir,
    resourcesDir: options.resourcesDir,
  });
  const backend = model.hasWeights ? await chooseBackend(options.embeddingBackend ?? 'auto', { log: (m) => log('info', m) }) : 'native';
  const pool = new WorkerPool({
    size: options.poolSize ?? defaultPoolSize(),
    log,
    config: {
      embeddingModel: model.modelId,
      modelDir: model.modelDir,
      backend,
      threads: 1,
      batchSize: 8,
      maxTokens: 256,
      overlapTokens: 32,
      maxBytes: 200 * 1024 * 1024,
      ...options.indexing,
    },
  });
  const store = await openLanceChunkStore({ dataDir, dims: model.dims, kindOf: detectKind });
  const library = new LibraryService({ dataDir, hub, store, pool, embeddingModel: model.modelId, log });
  const watcher = new FolderWatcher(library);
  if (options.startIndexing !== false) {
    library.start();
    await watcher.restore();
  }

  const handlers = {
    'app.info': (_args, ctx) => ({
      name: 'Quire' as const,
      version: QUIRE_VERSION,
      dataDir,
      transport: ctx.transport,
      offline: true,
    }),
    ...createEventHandlers(hub),
    ...createLibraryHandlers(library, watcher),
  } satisfies Handlers;

  const dispatch = createDispatcher(handlers, logger);

  return {
    dataDir,
    hub,
    handlers,
    dispatch,
    logger,
    library,
    store,
    model,
    async close() {
      await watcher.close();
      await library.close();
      await pool.close();
      await store.close();
      hub.dispose();
    },
  };
}

export type QuireCore = Awaited<ReturnType<typeof createQuireCore>>;
