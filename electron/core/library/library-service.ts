import path from 'node:path';
import type {
  DocumentInfo,
  IndexHealth,
  LibraryPage,
  LibrarySnapshot,
} from '../../../shared/documents';
import { LIBRARY_SNAPSHOT_ROWS } from '../../../shared/documents';
import { QuireError, toErrorShape } from '../../../shared/errors';
import { documentStream, LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import { ocrCacheDir, writeOcrPages } from '../indexing/ocr-cache';
import type { WorkerPool } from '../indexing/worker-pool';
import type { ChunkStorePort } from './chunk-store-port';
import { ChunkWriter, type WriterPolicy } from './chunk-writer';
import { DocumentRegistry, type DocumentRecord } from './document-registry';
import { deleteUpload, isUpload } from './duplicate-files';
import { HEALTHY_INDEX, IndexHealthTracker } from './index-health';
import { failDocument } from './index-job';
import { IndexQueue } from './index-queue';
import { LibraryEvents } from './library-events';
import { addPaths, type AddResult } from './library-intake';
import {
  allDocuments,
  documentRow,
  LibraryListing,
  librarySnapshot,
  type LibraryQuery,
} from './library-listing';

export type LibraryOptions = {
  dataDir: string;
  hub: StreamHub;
  store: ChunkStorePort;
  pool: WorkerPool;
  /** The embedding model new vectors must come from; other vectors are re-embedded. */
  embeddingModel: string;
  /** How the writer batches documents into commits (tests pin it to count commits). */
  writer?: Partial<WriterPolicy>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Open the registry without writing to it (a reader beside the app, e.g. quire mcp). */
  readOnly?: boolean;
};

/**
 * The library: a durable registry and queue of documents, fed to the worker pool and
 * written by one writer. Every change is an event on the `library` stream (and on the
 * document's own `doc:<id>` stream); the snapshot is the whole current state.
 *
 * This class is the front door; the work is in library-intake (adding files), index-queue
 * (what runs when), index-job (one document) and reembedder (vectors added later).
 */
export class LibraryService {
  readonly registry: DocumentRegistry;
  private readonly writer: ChunkWriter;
  private readonly events: LibraryEvents;
  private readonly queue: IndexQueue;
  private readonly passwords = new Map<string, string>();
  private readonly passwordsByPath = new Map<string, string>();
  private readonly index: IndexHealthTracker;
  private rebuilding: Promise<IndexHealth> | null = null;
  private readonly listing: LibraryListing;
  /** What other parts of the library add to the snapshot (the collections). */
  snapshotExtras: (() => Partial<LibrarySnapshot>) | null = null;

  /** The model the library's vectors come from; a completed model switch changes it. */
  private embeddingModel: string;

  constructor(private readonly options: LibraryOptions) {
    this.embeddingModel = options.embeddingModel;
    this.registry = new DocumentRegistry(options.dataDir, { readOnly: options.readOnly });
    this.listing = new LibraryListing(this.registry);
    this.writer = new ChunkWriter(options.store, options.writer);
    this.index = new IndexHealthTracker(options.store, options.hub, options.log);
    this.events = new LibraryEvents(options.hub, this.registry, () => this.queue.active);
    this.queue = new IndexQueue({
      registry: this.registry,
      pool: options.pool,
      store: options.store,
      writer: this.writer,
      events: this.events,
      passwords: this.passwords,
      log: options.log,
      embeddingModel: () => this.embeddingModel,
      writerPolicy: options.writer,
      checkIndex: () => void this.checkIndex(),
    });
    options.hub.registerSnapshotProvider(LIBRARY_STREAM, () => this.snapshot());
  }

  /**
   * After a model switch's atomic step: every stored passage has the new model's vector, so
   * the records say so (one journal rewrite). Documents still in flight were embedded by the
   * old model; the store keeps them pending and the re-embedder gives them the new one.
   */
  useEmbeddingModel(modelId: string): void {
    this.embeddingModel = modelId;
    if (!this.options.readOnly) this.registry.setEmbeddingModel(modelId);
    this.embedPendingNow();
  }

  /** Resumes whatever a previous run left queued or in flight, and checks the index. */
  start(): void {
    void this.checkIndex();
    this.queue.pump();
  }

  /** Documents are being indexed now: background work (a model switch) waits. */
  get indexingActive(): boolean {
    return this.queue.active > 0;
  }

  get indexHealth(): IndexHealth {
    return this.index.health;
  }

  /** Reads every table end to end; a damaged one is reported on the library stream. */
  checkIndex(): Promise<IndexHealth> {
    if (this.rebuilding) return this.rebuilding;
    return this.index.check(() => this.rebuilding !== null);
  }

  /**
   * Empties the index and indexes every document again from its file: the way back from a
   * damaged table. Documents the user cancelled stay cancelled.
   */
  rebuildIndex(): Promise<IndexHealth> {
    this.rebuilding ??= this.runRebuild().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async runRebuild(): Promise<IndexHealth> {
    const damagedTables = this.index.health.damagedTables;
    this.index.set({ status: 'rebuilding', damagedTables, error: null });
    this.queue.holdForRebuild = true;
    try {
      await this.index.settled();
      await this.queue.settled();
      await this.writer.idle();
      await this.options.store.rebuild();
    } catch (error) {
      this.queue.holdForRebuild = false;
      const { code, message } = toErrorShape(error);
      this.options.log?.('error', `rebuilding the index failed: ${String(error)}`);
      this.index.set({ status: 'damaged', damagedTables, error: { code, message } });
      this.queue.pump();
      throw error;
    }
    this.queue.holdForRebuild = false;
    for (const doc of this.registry.all()) {
      if (doc.status === 'cancelled') continue;
      const queued: DocumentRecord = {
        ...doc,
        status: 'queued',
        chunks: 0,
        progress: null,
        error: null,
        vectorsPending: false,
        embeddingModel: null,
        contentHash: null,
        updatedAt: Date.now(),
      };
      this.registry.putBestEffort(queued);
      this.events.document(doc.id, 'document.added', { document: documentRow(queued) });
    }
    this.index.set(HEALTHY_INDEX);
    this.events.queueState();
    this.queue.pump();
    return this.index.health;
  }

  /** The `library` stream's snapshot: compact at any size (see library-listing.ts). */
  snapshot(): LibrarySnapshot {
    const first = this.listing.query({ limit: LIBRARY_SNAPSHOT_ROWS });
    return {
      ...librarySnapshot(first, this.registry.totals(), {
        index: this.index.health,
        paused: this.registry.paused,
        watchedFolders: this.registry.watchedFolders,
      }),
      ...this.snapshotExtras?.(),
    };
  }

  /** Every document, for core callers (CLI, quire mcp); never sent whole to a window. */
  documents(): DocumentInfo[] {
    return allDocuments(this.registry.all());
  }

  /** One page of documents, filtered and sorted. */
  query(query: LibraryQuery): LibraryPage {
    return this.listing.query(query);
  }

  async add(paths: string[]): Promise<AddResult> {
    const result = await addPaths(paths, {
      dataDir: this.options.dataDir,
      registry: this.registry,
      events: this.events,
      passwords: this.passwords,
      passwordsByPath: this.passwordsByPath,
      log: this.options.log,
    });
    this.events.queueState();
    this.queue.pump();
    return result;
  }

  async remove(documentId: string): Promise<boolean> {
    const doc = this.registry.get(documentId);
    if (!doc) return false;
    this.queue.cancel(documentId);
    this.registry.delete(documentId);
    await this.options.store.deleteDocument(documentId);
    // The library held the only reference to an uploaded copy.
    if (isUpload(this.options.dataDir, doc.path))
      await deleteUpload(this.options.dataDir, doc.path, this.options.log);
    // Its OCR word boxes belong to it alone too.
    await writeOcrPages(ocrCacheDir(this.options.dataDir), documentId, []).catch((error: unknown) =>
      this.options.log?.('warn', `removing the OCR words of ${doc.name} failed: ${String(error)}`),
    );
    this.events.document(documentId, 'document.removed', { documentId });
    this.options.hub.finish(documentStream(documentId));
    this.events.queueState();
    return true;
  }

  /** A password to try when this file is indexed (kept in memory only, never written). */
  presetPassword(filePath: string, password: string): void {
    this.passwordsByPath.set(path.resolve(filePath), password);
  }

  /** Queues a document again; `force` re-indexes even a ready one. */
  requeue(documentId: string, options: { password?: string; force?: boolean } = {}): DocumentInfo {
    const doc = this.require(documentId);
    if (this.queue.isRunning(documentId) || doc.status === 'queued') return documentRow(doc);
    if (doc.status === 'ready' && !options.force) return documentRow(doc);
    if (options.password !== undefined) this.passwords.set(documentId, options.password);
    const next = this.registry.put({
      ...doc,
      status: 'queued',
      error: null,
      progress: null,
      contentHash: options.force ? null : doc.contentHash,
      updatedAt: Date.now(),
    });
    this.events.document(documentId, 'document.added', { document: documentRow(next) });
    this.events.queueState();
    this.queue.pump();
    return documentRow(next);
  }

  cancel(documentId: string): DocumentInfo {
    const doc = this.require(documentId);
    if (!this.queue.cancel(documentId) && doc.status === 'queued')
      failDocument(doc, new QuireError('cancelled', 'Indexing was cancelled.'), {
        registry: this.registry,
        events: this.events,
        log: this.options.log,
        checkIndex: () => void this.checkIndex(),
      });
    return documentRow(this.require(documentId));
  }

  setPaused(paused: boolean): void {
    this.registry.paused = paused;
    this.registry.saveMeta();
    this.events.queueState();
    if (!paused) this.queue.pump();
  }

  /** Saves the watched-folder list and tells every subscriber (other windows) about it. */
  setWatchedFolders(folders: readonly string[]): string[] {
    this.registry.watchedFolders = [...folders];
    this.registry.saveMeta();
    const watchedFolders = [...this.registry.watchedFolders];
    this.options.hub.emit(LIBRARY_STREAM, 'folders.updated', { watchedFolders });
    return watchedFolders;
  }

  /** An embedding model has just arrived: documents waiting for vectors get them now. */
  embedPendingNow(): void {
    this.queue.pump();
  }

  /** Resolves when nothing is queued, in flight or waiting to be written. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.index.settled();
    await this.rebuilding?.catch(() => undefined);
    await this.writer.idle();
    this.registry.close();
  }

  private require(documentId: string): DocumentRecord {
    const doc = this.registry.get(documentId);
    if (!doc) throw new QuireError('not_found', 'That document is not in the library.');
    return doc;
  }
}
