import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createChatHandlers } from './chat/chat-handlers';
import { ChatService } from './chat/chat-service';
import type { ChatProvider } from './chat/chat-types';
import { ConversationStore } from './chat/conversation-store';
import { createRetriever } from './chat/retriever';
import { createEventHandlers } from './events/event-handlers';
import { StreamHub } from './events/stream-hub';
import { chooseBackend, type BackendPreference } from './embedding/backend-canary';
import { DEFAULT_EMBEDDING_MODEL } from './embedding/model-location';
import { lockDataDir } from './data-lock';
import { resolveModel } from './embedding/model-settings';
import { createLanguageModelHandlers, LanguageModels } from './models/language-models';
import { createModelHandlers, ModelDownloads } from './models/model-downloads';
import { defaultPoolSize, WorkerPool } from './indexing/worker-pool';
import type { IndexingWorkerConfig } from './indexing/worker-protocol';
import { FolderWatcher } from './library/folder-watcher';
import { ocrCacheDir } from './indexing/ocr-cache';
import type { DocumentLabel } from './retrieval/search';
import { createLibraryHandlers } from './library/library-handlers';
import { createCollectionHandlers } from './library/collection-handlers';
import { CollectionService } from './library/collection-service';
import type { ConversationScope } from '../../shared/collections';
import { QuireError } from '../../shared/errors';
import { LibraryService } from './library/library-service';
import type { WriterPolicy } from './library/chunk-writer';
import { openLanceChunkStore } from './library/lance-chunk-store';
import { detectKind } from './parsers';
import { consoleLogger, createDispatcher, type Handlers, type Logger } from './rpc/dispatch';
import { ProviderManager } from './settings/provider-manager';
import { createSettingsHandlers } from './settings/settings-handlers';
import { openSettingsStore, type SettingsBackendFactory } from './settings/settings-store';
import type { SafeStorageLike } from './secrets';
import type { ProviderTimeouts } from './providers';
import { isRemoteProvider, type ProviderSettings } from '../../shared/settings';
import { QUIRE_VERSION } from './version';
import { CONVERSATIONS_STREAM, LIBRARY_STREAM } from '../../shared/streams';

export type QuireCoreOptions = {
  dataDir: string;
  transport?: 'ipc' | 'http' | 'memory';
  logger?: Logger;
  hub?: StreamHub;
  /** Where local models live (transformers.js localModelPath); default `<dataDir>/models`. */
  modelDir?: string;
  resourcesDir?: string;
  embeddingModel?: string;
  /** Overrides the reranker model named in settings (looked for in the same folders). */
  rerankerModel?: string;
  embeddingBackend?: BackendPreference;
  /** Where model downloads come from; default https://huggingface.co (tests use a local server). */
  modelHub?: string;
  poolSize?: number;
  /** How the library's writer batches documents into LanceDB commits. */
  writer?: Partial<WriterPolicy>;
  indexing?: Partial<Omit<IndexingWorkerConfig, 'embeddingModel' | 'modelDir' | 'backend'>>;
  /** False for read-only commands: the queue is not resumed. */
  startIndexing?: boolean;
  /** Opens the library without writing to it (quire mcp, beside a running app): no queue, no compaction. */
  readOnly?: boolean;
  /** Where conversations are kept; default the data folder (quire mcp keeps its own apart). */
  conversationsDir?: string;
  /** Overrides the provider chosen in settings (the CLI's --provider, tests). */
  providerOverride?: ProviderSettings;
  /** Benchmarks wrap the live provider to time each token it yields. */
  wrapProvider?: (provider: ChatProvider | null) => ChatProvider | null;
  chat?: { maxPromptTokens?: number; maxAnswerTokens?: number; checkpointMs?: number };
  /** Provider connect and idle time-outs; each provider has its own defaults. */
  providerTimeouts?: ProviderTimeouts;
  /** Electron's safeStorage, the fallback when no OS keychain answers. */
  safeStorage?: SafeStorageLike;
  /** false: do not probe the OS keychain (tests that do not need it). */
  keychain?: boolean;
  /** The app's electron-store; headless mode uses conf. Both read the same settings file. */
  settingsBackend?: SettingsBackendFactory;
};

/**
 * The headless heart, assembled: the stream hub, every domain's services and handlers,
 * and the dispatcher that all transports share. Runs under plain Node.
 */
export async function createQuireCore(options: QuireCoreOptions) {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  // Readers (mcp, export) never write; every other opener is the folder's one writer.
  const lock = options.readOnly ? null : lockDataDir(dataDir);
  const logger = options.logger ?? consoleLogger;
  const hub = options.hub ?? new StreamHub();
  const log = (level: 'info' | 'warn' | 'error', message: string) =>
    level === 'error' ? logger.error(message) : level === 'warn' ? logger.warn(message) : undefined;

  const settings = openSettingsStore({
    dataDir,
    backend: options.settingsBackend,
    warn: (m) => logger.warn(m),
  });
  const model = resolveModel({
    modelId:
      options.embeddingModel ?? settings.get().retrieval.embeddingModel ?? DEFAULT_EMBEDDING_MODEL,
    modelDir: options.modelDir,
    dataDir,
    resourcesDir: options.resourcesDir,
  });
  // What the indexer runs with; settings saved later apply on the next start.
  const startedWith = {
    embeddingModel: model.modelId,
    embeddingBackend: options.embeddingBackend ?? settings.get().retrieval.embeddingBackend,
    chunkTokens: settings.get().retrieval.chunkTokens,
    maxFileMb: settings.get().indexing.maxFileMb,
    ocr: settings.get().indexing.ocr,
  };
  const pickBackend = () =>
    chooseBackend(startedWith.embeddingBackend, { log: (m) => log('info', m) });
  const backend = model.hasWeights ? await pickBackend() : 'native';
  const poolSize = options.poolSize ?? defaultPoolSize();
  const pool = new WorkerPool({
    size: poolSize,
    log,
    config: {
      embeddingModel: model.modelId,
      modelDir: model.modelDir,
      backend,
      // ONNX threads share the cores between workers; the coordinating thread mostly waits.
      threads: Math.max(1, Math.floor(os.availableParallelism() / poolSize)),
      batchSize: 8,
      maxTokens: startedWith.chunkTokens,
      // An eighth of the chunk (32 of the default 256) carries context across the cut.
      overlapTokens: Math.round(startedWith.chunkTokens / 8),
      maxBytes: startedWith.maxFileMb * 1024 * 1024,
      ocr: { enabled: startedWith.ocr, cacheDir: ocrCacheDir(dataDir) },
      ...options.indexing,
    },
  });
  const store = await openLanceChunkStore({ dataDir, dims: model.dims, kindOf: detectKind });
  const library = new LibraryService({
    dataDir,
    hub,
    store,
    pool,
    embeddingModel: model.modelId,
    writer: options.writer,
    log,
    readOnly: options.readOnly,
  });
  const collections = new CollectionService({
    dataDir,
    registry: library.registry,
    store,
    hub,
    readOnly: options.readOnly,
    log,
  });
  library.snapshotExtras = () => ({
    collections: collections.list(),
    folderCollections: collections.book.folderCollections(),
  });
  const watcher = new FolderWatcher(library, 500, (m) => log('warn', m), {
    setFolder: (folder, collectionId) => {
      if (!collections.book.setFolder(folder, collectionId)) return;
      hub.emit(LIBRARY_STREAM, 'folders.updated', {
        watchedFolders: [...library.registry.watchedFolders],
        folderCollections: collections.book.folderCollections(),
      });
    },
    added: (files, result) => collections.feedWatched(files, result),
  });
  /** A scope must name things that exist; a deleted collection's conversations say so. */
  const checkScope = (scope: ConversationScope) => {
    if (scope.kind === 'collection' && !collections.book.has(scope.collectionId))
      throw new QuireError(
        'not_found',
        'The collection this conversation searches was deleted. Choose another scope.',
      );
    if (scope.kind === 'documents') {
      const missing = scope.documentIds.filter((id) => !library.registry.get(id));
      if (missing.length === scope.documentIds.length)
        throw new QuireError(
          'not_found',
          'None of the documents this conversation searches is in the library any more.',
        );
    }
  };
  // Models are fetched only when the user asks (models.download), never on their own.
  const downloads = new ModelDownloads({
    hub,
    searchDirs: model.searchDirs,
    hubUrl: options.modelHub,
    modelIds: () => ({
      embedding: model.modelId,
      reranker: options.rerankerModel ?? settings.get().retrieval.rerankerModel,
    }),
    onInstalled: (kind) =>
      kind === 'embedding' ? useDownloadedEmbeddingModel() : Promise.resolve(false),
    log,
  });
  // A chat model fetched from the catalogue becomes the embedded provider's model at once.
  const languageModels = new LanguageModels({
    downloads,
    selectedPath: () => {
      const provider = settings.get().provider;
      return provider.kind === 'embedded' ? provider.modelPath : null;
    },
    select: (modelPath) => {
      const current = settings.get();
      const previous = current.provider.kind === 'embedded' ? current.provider : null;
      settings.update({ ...current, provider: { ...previous, kind: 'embedded', modelPath } });
    },
  });
  /** Puts a just-downloaded embedding model to work; resolves true when a restart is needed. */
  async function useDownloadedEmbeddingModel(): Promise<boolean> {
    const fresh = resolveModel({
      modelId: model.modelId,
      modelDir: options.modelDir,
      dataDir,
      resourcesDir: options.resourcesDir,
    });
    // The index holds vectors of one width; another width is rebuilt when Quire next opens it.
    if (!fresh.hasWeights || fresh.dims !== model.dims) return true;
    const nextBackend = model.hasWeights ? backend : await pickBackend();
    Object.assign(model, fresh);
    pool.reconfigure({ modelDir: fresh.modelDir, backend: nextBackend });
    library.embedPendingNow();
    return false;
  }
  /** Saved settings that differ from what the indexer started with (the CLI's flags win). */
  function pendingRestart(): string[] {
    const saved = settings.get().retrieval;
    const pending: string[] = [];
    if (!options.embeddingModel && saved.embeddingModel !== startedWith.embeddingModel)
      pending.push('embedding model');
    if (!options.embeddingBackend && saved.embeddingBackend !== startedWith.embeddingBackend)
      pending.push('embedding backend');
    if (saved.chunkTokens !== startedWith.chunkTokens) pending.push('chunk size');
    if (settings.get().indexing.maxFileMb !== startedWith.maxFileMb)
      pending.push('largest file size');
    if (settings.get().indexing.ocr !== startedWith.ocr) pending.push('OCR setting');
    return pending;
  }
  const retriever = createRetriever({
    store: store.lance,
    pool,
    embeddingModel: model.modelId,
    settings: () => settings.get().retrieval,
    hasModel: () => model.hasWeights,
    documentLanguages: () => [
      ...new Set(library.registry.all().flatMap((d) => (d.language ? [d.language] : []))),
    ],
    documentLabels: async (ids) => {
      const labels = new Map<string, DocumentLabel>();
      for (const id of ids) {
        const doc = library.registry.get(id);
        if (doc) labels.set(id, { name: doc.name, path: doc.path, ocrPages: doc.ocrPages });
      }
      return labels;
    },
    modelSearchDirs: model.searchDirs,
    rerankerModel: options.rerankerModel,
  });
  const conversations = new ConversationStore(options.conversationsDir ?? dataDir);
  const providers = new ProviderManager({
    dataDir,
    safeStorage: options.safeStorage,
    keychain: options.keychain,
    timeouts: options.providerTimeouts,
    log: (m) => log('info', m),
  });
  // Late subscribers (a reload mid-answer, a second window) start from the saved message.
  hub.registerSnapshotProvider(
    'chat',
    (stream) => conversations.getMessage(stream.slice('chat:'.length)) ?? null,
  );
  hub.registerSnapshotProvider(CONVERSATIONS_STREAM, () => ({
    conversations: conversations.listConversations(),
  }));
  const chat = new ChatService({
    hub,
    store: conversations,
    provider: async () => {
      const provider = await providers.providerFor(
        options.providerOverride ?? settings.get().provider,
      );
      return options.wrapProvider ? options.wrapProvider(provider) : provider;
    },
    passageCount: (scope) => retriever.passageCount(scope),
    retrieve: (query, onStep, scope) => {
      if (scope) checkScope(scope);
      return retriever.retrieve(query, onStep, scope);
    },
    checkScope,
    rerankerEnabled: () => retriever.rerankerStatus().active,
    ...options.chat,
  });
  if (options.startIndexing !== false && !options.readOnly) {
    await collections
      .reconcile()
      .catch((e: unknown) => log('warn', `checking collections failed: ${String(e)}`));
    library.start();
    await watcher.restore();
  }

  const handlers = {
    'app.info': (_args, ctx) => ({
      name: 'Quire' as const,
      version: QUIRE_VERSION,
      dataDir,
      transport: ctx.transport,
      offline: !isRemoteProvider(settings.get().provider),
    }),
    ...createEventHandlers(hub),
    ...createLibraryHandlers(library, watcher, ocrCacheDir(dataDir), collections),
    ...createCollectionHandlers(collections),
    ...createModelHandlers(downloads),
    ...createLanguageModelHandlers(languageModels),
    ...createChatHandlers(chat, conversations, hub),
    ...createSettingsHandlers(settings, providers, {
      pendingRestart,
      reranker: () => retriever.rerankerStatus(),
    }),
  } satisfies Handlers;

  const dispatch = createDispatcher(handlers, logger);

  return {
    dataDir,
    hub,
    handlers,
    dispatch,
    logger,
    library,
    collections,
    store,
    model,
    settings,
    retriever,
    chat,
    conversations,
    providers,
    downloads,
    languageModels,
    async close() {
      await downloads.close();
      await chat.stopAll();
      await providers.dispose();
      await watcher.close();
      await library.close();
      collections.close();
      await pool.close();
      await store.close();
      conversations.close();
      hub.dispose();
      lock?.release();
    },
  };
}

export type QuireCore = Awaited<ReturnType<typeof createQuireCore>>;
