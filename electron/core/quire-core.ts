import fs from 'node:fs/promises';
import path from 'node:path';
import { createAppHandlers } from './app-handlers';
import { createEntailmentChecker } from './checking/entailment';
import { createChatHandlers, registerChatSnapshots } from './chat/chat-handlers';
import { ChatService } from './chat/chat-service';
import type { ChatProvider } from './chat/chat-types';
import { ConversationStore } from './chat/conversation-store';
import { documentLabels, documentLanguages } from './chat/library-labels';
import { documentTextReader } from './chat/document-text';
import { createPinHandlers } from './chat/pinned-documents';
import { createRetriever } from './chat/retriever';
import { TermStatsService } from './retrieval/term-stats-service';
import { createEventHandlers } from './streams/event-handlers';
import { StreamHub } from './streams/stream-hub';
import type { BackendPreference, CanaryLauncher } from './embedding/backend-canary';
import { lockDataDir } from './data-lock';
import { createLanguageModelHandlers, LanguageModels } from './downloads/language-models';
import { createModelHandlers, ModelDownloads } from './downloads/model-downloads';
import { createEmbeddingModelHandlers, EmbeddingModels } from './downloads/embedding-models';
import { measureEmbeddingSpeed } from './indexing/embedding-speed';
import { threadsPerWorker } from './indexing/indexer-setup';
import { pendingRestart, startIndexer } from './indexing/indexer-setup';
import type { WorkerEntry } from './indexing/worker-pool';
import type { IndexingWorkerConfig } from './indexing/worker-protocol';
import { FolderWatcher } from './library/folder-watcher';
import { followWriter } from './library/writer-follower';
import { ocrCacheDir } from './indexing/ocr-cache';
import { createLibraryHandlers } from './library/library-handlers';
import { createCollectionHandlers } from './library/collection-handlers';
import { CollectionService } from './library/collection-service';
import { LibraryService } from './library/library-service';
import type { WriterPolicy } from './library/chunk-writer';
import {
  libraryEmbeddingModel,
  modelSwitchStore,
  openLanceChunkStore,
} from './library/lance-chunk-store';
import { createModelSwitchHandlers, ModelSwitcher } from './library/model-switch';
import { resolveModel } from './embedding/model-settings';
import { QuireError } from '../../shared/errors';
import { consoleLogger, createDispatcher, type Handlers, type Logger } from './rpc/dispatch';
import { ProviderManager } from './settings/provider-manager';
import { createSettingsHandlers, LIBRARY_SECRET_ACCOUNT } from './settings/settings-handlers';
import { openSettingsStore, type SettingsBackendFactory } from './settings/settings-store';
import type { SafeStorageLike } from './secrets';
import type { ProviderTimeouts } from './providers';
import type { EmbeddingDtype, ProviderSettings } from '../../shared/settings';
import { closeInOrder } from './shutdown';
import { checkLibrarySettings, libraryPendingRestart, openChosenLibrary } from './library-settings';

/** How long a question waits, at most, for the library's first word statistics. */
const TERM_STATS_WAIT_MS = 3000;

/** What a Quire is: its data folder, transport, models and the app's own services. */
export type QuireCoreOptions = {
  dataDir: string;
  /**
   * Where the library lives: a folder, `s3://bucket/prefix` or `az://container/prefix`
   * (LanceDB in the bucket; the journals mirrored as segments). Default the data folder. Settings, keys and conversations
   * stay in the data folder.
   */
  library?: string;
  /** A plain-HTTP object-store endpoint beyond loopback, allowed explicitly. */
  allowHttp?: boolean;
  /**
   * When the library set in Settings cannot be opened, open the data folder's and say why in
   * Settings, instead of failing (the app: it must start for its Settings to be fixed).
   */
  libraryFallback?: boolean;
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
  /** Overrides the embedding weights named in settings ('auto', 'fp32' or 'q8'). */
  embeddingDtype?: EmbeddingDtype;
  /** How the native-runtime canary starts; the app passes an Electron utility process. */
  canaryLauncher?: CanaryLauncher;
  /** Where model downloads come from; default https://huggingface.co (tests use a local server). */
  modelHub?: string;
  poolSize?: number;
  /** False for read-only commands: the queue is not resumed. */
  startIndexing?: boolean;
  /** Opens the library without writing to it (quire mcp, beside a running app): no queue, no compaction. */
  readOnly?: boolean;
  /**
   * A reader that stays open (quire mcp) looks this often (ms) for what the folder's writer did,
   * and publishes it on the `library` stream. Only with `readOnly`; default never.
   */
  followWriterMs?: number;
  /** Where conversations are kept; default the data folder (quire mcp keeps its own apart). */
  conversationsDir?: string;
  /** Overrides the provider chosen in settings (the CLI's --provider, tests). */
  providerOverride?: ProviderSettings;
  /** Electron's safeStorage, the fallback when no OS keychain answers. */
  safeStorage?: SafeStorageLike;
  /** The app's electron-store; headless mode uses conf. Both read the same settings file. */
  settingsBackend?: SettingsBackendFactory;
};

/**
 * Knobs for tests and benchmarks (and the CLI's tighter time-outs): how the core is exercised,
 * not what it is. Kept apart so the app's wiring reads as settings only.
 */
export type CoreHooks = {
  /** The indexing workers' script; default the built-in one. */
  workerEntry?: WorkerEntry;
  /** How the library's writer batches documents into LanceDB commits. */
  writer?: Partial<WriterPolicy>;
  /** How long a bucket's writer lease lasts unrenewed (tests of a takeover shorten it). */
  leaseTtlMs?: number;
  indexing?: Partial<
    Omit<IndexingWorkerConfig, 'embeddingModel' | 'modelDir' | 'backend' | 'dtype'>
  >;
  /** Benchmarks wrap the live provider to time each token it yields. */
  wrapProvider?: (provider: ChatProvider | null) => ChatProvider | null;
  chat?: { maxPromptTokens?: number; maxAnswerTokens?: number; checkpointMs?: number };
  /** Provider connect and idle time-outs; each provider has its own defaults. */
  providerTimeouts?: ProviderTimeouts;
  /** false: do not probe the OS keychain (tests that do not need it). */
  keychain?: boolean;
};

/**
 * The headless heart, assembled: the stream hub, every domain's services and handlers,
 * and the dispatcher that all transports share. Runs under plain Node. Wiring only: each
 * decision lives in its room (indexing/indexer-setup, chat/library-labels, shutdown).
 */
export async function createQuireCore(options: QuireCoreOptions, hooks: CoreHooks = {}) {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  // Readers (library, search, check, mcp, export) never write and take no lock; every other
  // opener is the folder's one writer.
  const lock = options.readOnly ? null : await lockDataDir(dataDir);
  const logger = options.logger ?? consoleLogger;
  const hub = options.hub ?? new StreamHub();
  const log = (level: 'info' | 'warn' | 'error', message: string) =>
    level === 'error' ? logger.error(message) : level === 'warn' ? logger.warn(message) : undefined;
  const settings = openSettingsStore({
    dataDir,
    backend: options.settingsBackend,
    warn: (m) => logger.warn(m),
  });
  const providers = new ProviderManager({
    dataDir,
    safeStorage: options.safeStorage,
    keychain: hooks.keychain,
    timeouts: hooks.providerTimeouts,
    log: (m) => log('info', m),
  });
  // A --library flag wins for its run; else Settings' library, its secret from the keychain.
  const librarySettings = settings.get().library;
  const librarySecret = async () => (await providers.secretStore()).get(LIBRARY_SECRET_ACCOUNT);
  const opened = await openChosenLibrary(
    {
      library: options.library,
      readOnly: options.readOnly,
      allowHttp: options.allowHttp,
      fallback: options.libraryFallback,
    },
    librarySettings,
    librarySecret,
    { dataDir, leaseTtlMs: hooks.leaseTtlMs, log },
  ).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  const { place } = opened;
  // Settings may make this Quire a reader of a library another computer writes.
  const readOnly = opened.choice.readOnly;
  const followWriterMs = options.followWriterMs ?? opened.choice.followWriterMs;
  let librarySecretChanged = false;
  // The registry, the collections, uploaded copies and OCR pages: the data folder's own, or a
  // bucket's local copy.
  const libraryDir = place.libraryDir;
  // The library's own record of its model wins over settings, which may name a switch's target.
  const libraryModel = (await libraryEmbeddingModel(place.store)) ?? undefined;
  const indexer = await startIndexer(settings.get(), {
    ...options,
    ...hooks,
    libraryModel,
    dataDir,
    log,
  });
  const { pool, model } = indexer;
  const store = await openLanceChunkStore({
    place: place.store,
    dims: model.dims,
    ...(readOnly ? { readOnly: true } : { embeddingModel: model.modelId }),
  });
  const library = new LibraryService({
    dataDir: libraryDir,
    hub,
    store,
    pool,
    embeddingModel: model.modelId,
    writer: hooks.writer,
    log,
    readOnly,
  });
  if (!readOnly) place.attach(library.registry);
  const collections = new CollectionService({
    dataDir: libraryDir,
    registry: library.registry,
    store,
    hub,
    readOnly,
    log,
  });
  library.snapshotExtras = () => ({
    collections: collections.list(),
    folderCollections: collections.book.folderCollections(),
    ...(modelSwitch.status().state === 'idle' ? {} : { modelSwitch: modelSwitch.status() }),
  });
  const watcher = new FolderWatcher(library, 500, (m) => log('warn', m), {
    setFolder: (folder, collectionId) => collections.setFolder(folder, collectionId),
    added: (files, result) => collections.feedWatched(files, result),
  });
  // The catalogue's embedding models, and the speed each one reached when measured here.
  const embeddingModels = new EmbeddingModels({
    measure: measureEmbeddingSpeed,
    dataDir,
    searchDirs: model.searchDirs,
    inUseId: () => model.modelId,
    hub,
    // Nothing else embedding meanwhile: the library's queue, then a model switch's re-embedding.
    whenIdle: async () => {
      await library.whenIdle();
      await modelSwitch.settled();
    },
    backend: () => options.embeddingBackend ?? settings.get().retrieval.embeddingBackend,
    canaryLauncher: options.canaryLauncher,
    dtype: () => {
      const dtype = indexer.start.embeddingDtype;
      return dtype === 'fp32' || dtype === 'q8' ? dtype : undefined;
    },
    threads: () => threadsPerWorker(pool.size),
    log,
  });
  // Models are fetched only when the user asks (models.download), never on their own.
  const downloads = new ModelDownloads({
    hub,
    searchDirs: model.searchDirs,
    hubUrl: options.modelHub,
    embeddingDtype: () => indexer.start.embeddingDtype,
    modelIds: () => ({
      // While a switch fetches its target, the embedding download is that model.
      embedding: modelSwitch.downloadTarget() ?? model.modelId,
      reranker: options.rerankerModel ?? settings.get().retrieval.rerankerModel,
      entailment: settings.get().retrieval.entailmentModel,
    }),
    onInstalled: async (kind, modelId) => {
      if (kind === 'embedding') embeddingModels.measureAfterDownload(modelId);
      if (kind !== 'embedding' || modelId !== model.modelId) return false;
      const restart = await indexer.useDownloadedModel();
      if (!restart) library.embedPendingNow();
      return restart;
    },
    log,
  });
  const locateModel = (modelId: string) =>
    resolveModel({
      modelId,
      modelDir: options.modelDir,
      dataDir,
      resourcesDir: options.resourcesDir,
    });
  const modelSwitch = new ModelSwitcher({
    store: modelSwitchStore(store),
    pool,
    hub,
    currentModel: () => model.modelId,
    locate: (modelId) => {
      const found = locateModel(modelId);
      return found.hasWeights && found.modelDir ? { dir: found.modelDir, dims: found.dims } : null;
    },
    download: async () => {
      downloads.start('embedding');
      const end = await downloads.settled('embedding');
      if (end && end.state !== 'done')
        throw new QuireError(
          end.error?.code ?? 'cancelled',
          end.error?.message ?? 'The download was cancelled.',
        );
    },
    onSwitched: async (modelId) => {
      Object.assign(model, locateModel(modelId));
      pool.reconfigure({ embeddingModel: model.modelId, modelDir: model.modelDir });
      library.useEmbeddingModel(modelId);
      // The settings name the library's model (unless a flag chose it for this run only).
      const current = settings.get();
      if (!options.embeddingModel && current.retrieval.embeddingModel !== modelId)
        settings.update({
          ...current,
          retrieval: { ...current.retrieval, embeddingModel: modelId },
        });
    },
    shouldYield: () => library.indexingActive,
    log,
  });
  // Choosing another model in settings (or in settings.json) starts a switch, not a restart.
  settings.onChange((next) => {
    const wanted = next.retrieval.embeddingModel;
    if (readOnly || options.embeddingModel || !wanted || wanted === model.modelId) return;
    if (modelSwitch.status().targetModel === wanted && modelSwitch.status().state !== 'cancelled')
      return;
    modelSwitch.start(wanted).catch((e: unknown) => log('warn', `model switch: ${String(e)}`));
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
  // The library's word rarities: coverage and answer checks read them; built in the background.
  const termStats = new TermStatsService({ store: store.lance, log });
  // A question waits this long, at most, for the first build (a large library's first question).
  const statsForQuestion = () => termStats.get(TERM_STATS_WAIT_MS);
  const retriever = createRetriever({
    store: store.lance,
    termStats: statsForQuestion,
    pool,
    embeddingModel: () => model.modelId,
    settings: () => settings.get().retrieval,
    hasModel: () => model.hasWeights,
    documentLanguages: () => documentLanguages(library.registry),
    documentLabels: async (ids) => documentLabels(library.registry, ids),
    modelSearchDirs: model.searchDirs,
    rerankerModel: options.rerankerModel,
  });
  // Answer checks' NLI model: the same workers and model folders as the reranker.
  const entailment = createEntailmentChecker({
    pool,
    settings: () => settings.get().retrieval,
    modelSearchDirs: model.searchDirs,
    log,
  });
  const documentText = documentTextReader(library.registry, store.lance);
  const conversations = new ConversationStore(options.conversationsDir ?? dataDir);
  registerChatSnapshots(hub, conversations);
  const wrapProvider = hooks.wrapProvider ?? ((provider) => provider);
  const chat = new ChatService({
    hub,
    store: conversations,
    provider: async () =>
      wrapProvider(
        await providers.providerFor(options.providerOverride ?? settings.get().provider),
      ),
    passageCount: (scope) => retriever.passageCount(scope),
    retrieve: (query, onStep, scope) => {
      if (scope) collections.checkScope(scope);
      return retriever.retrieve(query, onStep, scope);
    },
    checkScope: (scope) => collections.checkScope(scope),
    rerankerEnabled: () => retriever.rerankerStatus().active,
    termStats: statsForQuestion,
    entailment,
    documentText,
    ...hooks.chat,
  });
  if (options.startIndexing !== false && !readOnly) {
    await collections
      .reconcile()
      .catch((e: unknown) => log('warn', `checking collections failed: ${String(e)}`));
    library.start();
    await modelSwitch.resumeOnStart();
    await watcher.restore();
    termStats.warm();
  }

  const follower =
    readOnly && followWriterMs
      ? followWriter({
          library,
          collections,
          hub,
          beforeLook: () => place.pull().then(() => undefined),
          refreshStore: async () => {
            // The writer may have switched the embedding model: queries follow it.
            const { embeddingModelChanged: changed } = await store.lance.followWriter();
            if (changed && changed !== model.modelId) {
              Object.assign(model, locateModel(changed));
              pool.reconfigure({ embeddingModel: model.modelId, modelDir: model.modelDir });
            }
          },
          intervalMs: followWriterMs,
          log,
        })
      : null;

  const handlers = {
    ...createAppHandlers(dataDir, () => settings.get().provider),
    ...createEventHandlers(hub),
    ...createLibraryHandlers(
      library,
      watcher,
      ocrCacheDir(libraryDir),
      collections,
      place.localFile,
    ),
    ...createCollectionHandlers(collections),
    ...createModelHandlers(downloads),
    ...createModelSwitchHandlers(modelSwitch),
    ...createLanguageModelHandlers(languageModels),
    ...createEmbeddingModelHandlers(embeddingModels),
    ...createChatHandlers(chat, conversations, hub, (id) => library.registry.get(id)?.name),
    ...createPinHandlers(
      conversations,
      hub,
      (id) => library.registry.get(id)?.name,
      (title, owner) => chat.startConversation(title, owner),
    ),
    ...createSettingsHandlers(settings, providers, {
      pendingRestart: () => [
        ...pendingRestart(indexer.start, settings.get(), options),
        ...libraryPendingRestart(
          opened.choice,
          librarySettings,
          settings.get().library,
          librarySecretChanged,
        ),
      ],
      reranker: () => retriever.rerankerStatus(),
      entailment: () => entailment.status(),
      library: {
        status: () => ({
          uri: place.uri,
          readOnly,
          source: opened.choice.source,
          problem: opened.problem,
        }),
        check: ({ library, secret }) =>
          checkLibrarySettings(library, secret ? async () => secret : librarySecret, {
            dataDir,
            ...(readOnly ? {} : { writing: place.uri }),
          }),
        secretChanged: () => {
          librarySecretChanged = true;
        },
      },
    }),
  } satisfies Handlers;

  const dispatch = createDispatcher(handlers, logger);

  return {
    dataDir,
    /** Where the registry, collections and uploaded copies are kept (a bucket's local copy). */
    libraryDir,
    /** The library's address: the folder, s3://bucket/prefix or az://container/prefix. */
    libraryUri: place.uri,
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
    /** The library's document frequencies (waits for the first build, at most `waitMs`). */
    termStats: (waitMs?: number) => termStats.get(waitMs),
    entailment,
    chat,
    conversations,
    providers,
    downloads,
    modelSwitch,
    languageModels,
    embeddingModels,
    /** A reader's look at what the writer did (followWriterMs); null in the writer. */
    follower,
    /** A ready document's chunks in reading order: whole-document answers and MCP read them. */
    documentText,
    /** Producers first (downloads, answers, watcher), then the library and what it writes to. */
    close: () =>
      closeInOrder(
        [
          ['library follower', () => follower?.stop()],
          ['model downloads', () => downloads.close()],
          ['embedding speed', () => embeddingModels.close()],
          ['chat', () => chat.stopAll()],
          ['word statistics', () => termStats.close()],
          ['providers', () => providers.dispose()],
          ['folder watcher', () => watcher.close()],
          ['model switch', () => modelSwitch.close()],
          ['library', () => library.close()],
          ['collections', () => collections.close()],
          ['indexing workers', () => pool.close()],
          ['store', () => store.close()],
          ['library place', () => place.close()],
          ['conversations', () => conversations.close()],
          ['stream hub', () => hub.dispose()],
          ['data folder lock', () => lock?.release()],
        ],
        (m) => log('error', m),
      ),
  };
}

export type QuireCore = Awaited<ReturnType<typeof createQuireCore>>;
