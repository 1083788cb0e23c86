import path from 'node:path';
import type { DuplicatePath, SkippedPath } from '../../../shared/contract';
import type {
  DocumentWarning,
  DocumentInfo,
  DocumentStatus,
  IndexHealth,
  LibraryPage,
  LibrarySnapshot,
} from '../../../shared/documents';
import { LIBRARY_SNAPSHOT_ROWS } from '../../../shared/documents';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { EventData } from '../../../shared/events';
import { newId } from '../../../shared/ids';
import { documentStream, LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../events/stream-hub';
import { ocrCacheDir, writeOcrPages } from '../indexing/ocr-cache';
import type { WorkerPool } from '../indexing/worker-pool';
import type { IndexResponse, EmbedResponse } from '../indexing/worker-protocol';
import { detectKind, isSupportedPath } from '../parsers';
import type { ChunkStorePort } from './chunk-store-port';
import { ChunkWriter, type WriterPolicy } from './chunk-writer';
import { DocumentRegistry, type DocumentRecord } from './document-registry';
import { deleteUpload, findTwin, hashFile, isUpload } from './duplicate-files';
import { expandPaths } from './expand-paths';
import { HEALTHY_INDEX, IndexHealthTracker } from './index-health';
import {
  allDocuments,
  LibraryListing,
  librarySnapshot,
  type LibraryQuery,
} from './library-listing';
import { ProgressTracker } from './progress-tracker';

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

type InFlight = { cancel: () => void; tracker: ProgressTracker };

/** Documents parsed (and embedded) ahead of the writer, at most. */
const MAX_WRITE_BACKLOG = 256;
const QUIET_OPTIMIZE_MS = 30_000;

const ACTIVE: ReadonlySet<DocumentStatus> = new Set([
  'parsing',
  'chunking',
  'embedding',
  'writing',
]);

/**
 * The library: a durable registry and queue of documents, fed to the worker pool and
 * written by one writer. Every change is an event on the `library` stream (and on the
 * document's own `doc:<id>` stream); the snapshot is the whole current state.
 */
export class LibraryService {
  readonly registry: DocumentRegistry;
  private readonly listing: LibraryListing;
  private readonly writer: ChunkWriter;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly passwords = new Map<string, string>();
  private readonly passwordsByPath = new Map<string, string>();
  private embedding = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly index: IndexHealthTracker;
  private rebuilding: Promise<IndexHealth> | null = null;
  /** While the tables are swapped: nothing new starts, so nothing writes to a dropped table. */
  private holdForRebuild = false;
  private settleWaiters: (() => void)[] = [];
  /** In-flight documents whose chunks wait for the writer's next commit. */
  private awaitingWrite = 0;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  /** What other parts of the library add to the snapshot (the collections). */
  snapshotExtras: (() => Partial<LibrarySnapshot>) | null = null;

  constructor(private readonly options: LibraryOptions) {
    this.registry = new DocumentRegistry(options.dataDir, { readOnly: options.readOnly });
    this.listing = new LibraryListing(this.registry);
    this.writer = new ChunkWriter(options.store, options.writer);
    this.index = new IndexHealthTracker(options.store, options.hub, options.log);
    options.hub.registerSnapshotProvider(LIBRARY_STREAM, () => this.snapshot());
  }

  /** Resumes whatever a previous run left queued or in flight, and checks the index. */
  start(): void {
    void this.checkIndex();
    this.pump();
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
    this.holdForRebuild = true;
    try {
      await this.index.settled();
      await this.settled();
      await this.writer.idle();
      await this.options.store.rebuild();
    } catch (error) {
      this.holdForRebuild = false;
      const { code, message } = toErrorShape(error);
      this.options.log?.('error', `rebuilding the index failed: ${String(error)}`);
      this.index.set({ status: 'damaged', damagedTables, error: { code, message } });
      this.pump();
      throw error;
    }
    this.holdForRebuild = false;
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
      this.emit(doc.id, 'document.added', { document: publicInfo(queued) });
    }
    this.index.set(HEALTHY_INDEX);
    this.emitQueueState();
    this.pump();
    return this.index.health;
  }

  /** Resolves once no document is being indexed or embedded. */
  private settled(): Promise<void> {
    if (this.inFlight.size === 0 && !this.embedding) return Promise.resolve();
    return new Promise<void>((resolve) => this.settleWaiters.push(resolve)).then(() =>
      this.settled(),
    );
  }

  private notifySettled() {
    if (this.inFlight.size > 0 || this.embedding) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
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

  async add(paths: string[]): Promise<{
    added: DocumentInfo[];
    unchanged: string[];
    duplicates: DuplicatePath[];
    skipped: SkippedPath[];
  }> {
    const { files, skipped } = await expandPaths(paths, isSupportedPath, {
      dataDir: this.options.dataDir,
    });
    const added: DocumentInfo[] = [];
    const unchanged: string[] = [];
    const duplicates: DuplicatePath[] = [];
    const hashes = new Map<string, string | null>();
    for (const file of files) {
      const existing = this.registry.byPath(file.path);
      const twin = existing ? undefined : await findTwin(this.registry, file, hashes);
      if (twin) {
        duplicates.push({ path: file.path, documentId: twin.id, name: twin.name });
        // An uploaded copy of something already here is only clutter.
        if (isUpload(this.options.dataDir, file.path))
          await deleteUpload(this.options.dataDir, file.path, this.options.log);
        continue;
      }
      if (
        existing &&
        (existing.status === 'ready' || existing.status === 'queued' || ACTIVE.has(existing.status))
      ) {
        if (
          existing.status !== 'ready' ||
          (existing.size === file.size && existing.mtimeMs === file.mtimeMs)
        ) {
          unchanged.push(file.path);
          continue;
        }
        const contentHash = await hashFile(file.path);
        if (contentHash === existing.contentHash) {
          this.registry.put({ ...existing, mtimeMs: file.mtimeMs });
          unchanged.push(file.path);
          continue;
        }
      }
      const now = Date.now();
      const doc: DocumentRecord = {
        id: existing?.id ?? newId('d'),
        path: file.path,
        name: path.basename(file.path),
        kind: detectKind(file.path),
        size: file.size,
        pages: existing?.pages ?? null,
        status: 'queued',
        chunks: existing?.chunks ?? 0,
        progress: null,
        error: null,
        vectorsPending: existing?.vectorsPending ?? false,
        embeddingModel: existing?.embeddingModel ?? null,
        addedAt: existing?.addedAt ?? now,
        updatedAt: now,
        contentHash: null,
        mtimeMs: file.mtimeMs,
        // A changed file stays in its collections.
        ...(existing?.collections?.length ? { collections: existing.collections } : {}),
      };
      try {
        this.registry.put(doc);
      } catch (error) {
        // A full disk: this file is not added; the ones before it are.
        const { code, message } = toErrorShape(error);
        skipped.push({ path: file.path, code, reason: message });
        continue;
      }
      const preset = this.passwordsByPath.get(file.path);
      if (preset !== undefined) this.passwords.set(doc.id, preset);
      this.emit(doc.id, 'document.added', { document: publicInfo(doc) });
      added.push(publicInfo(doc));
    }
    this.emitQueueState();
    this.pump();
    return { added, unchanged, duplicates, skipped };
  }

  async remove(documentId: string): Promise<boolean> {
    const doc = this.registry.get(documentId);
    if (!doc) return false;
    this.inFlight.get(documentId)?.cancel();
    this.registry.delete(documentId);
    await this.options.store.deleteDocument(documentId);
    // The library held the only reference to an uploaded copy.
    if (isUpload(this.options.dataDir, doc.path))
      await deleteUpload(this.options.dataDir, doc.path, this.options.log);
    // Its OCR word boxes belong to it alone too.
    await writeOcrPages(ocrCacheDir(this.options.dataDir), documentId, []).catch((error: unknown) =>
      this.options.log?.('warn', `removing the OCR words of ${doc.name} failed: ${String(error)}`),
    );
    this.emit(documentId, 'document.removed', { documentId });
    this.options.hub.finish(documentStream(documentId));
    this.emitQueueState();
    return true;
  }

  /** A password to try when this file is indexed (kept in memory only, never written). */
  presetPassword(filePath: string, password: string): void {
    this.passwordsByPath.set(path.resolve(filePath), password);
  }

  /** Queues a document again; `force` re-indexes even a ready one. */
  requeue(documentId: string, options: { password?: string; force?: boolean } = {}): DocumentInfo {
    const doc = this.require(documentId);
    if (this.inFlight.has(documentId) || doc.status === 'queued') return publicInfo(doc);
    if (doc.status === 'ready' && !options.force) return publicInfo(doc);
    if (options.password !== undefined) this.passwords.set(documentId, options.password);
    const next = this.registry.put({
      ...doc,
      status: 'queued',
      error: null,
      progress: null,
      contentHash: options.force ? null : doc.contentHash,
      updatedAt: Date.now(),
    });
    this.emit(documentId, 'document.added', { document: publicInfo(next) });
    this.emitQueueState();
    this.pump();
    return publicInfo(next);
  }

  cancel(documentId: string): DocumentInfo {
    const doc = this.require(documentId);
    const running = this.inFlight.get(documentId);
    if (running) running.cancel();
    else if (doc.status === 'queued')
      this.fail(doc, new QuireError('cancelled', 'Indexing was cancelled.'));
    return publicInfo(this.require(documentId));
  }

  setPaused(paused: boolean): void {
    this.registry.paused = paused;
    this.registry.saveMeta();
    this.emitQueueState();
    if (!paused) this.pump();
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
    this.pump();
  }

  /** Resolves when nothing is queued, in flight or waiting to be written. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return this.writer.idle();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve)).then(() =>
      this.writer.idle(),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    await this.index.settled();
    await this.rebuilding?.catch(() => undefined);
    await this.writer.idle();
    this.registry.close();
  }

  private isIdle(): boolean {
    const waiting = (!this.registry.paused || this.holdForRebuild) && this.registry.queuedCount > 0;
    return this.inFlight.size === 0 && !waiting && !this.embedding;
  }

  private require(documentId: string): DocumentRecord {
    const doc = this.registry.get(documentId);
    if (!doc) throw new QuireError('not_found', 'That document is not in the library.');
    return doc;
  }

  private pump(): void {
    if (this.closed) return;
    const capacity = Math.max(2, this.options.pool.size * 4);
    if (!this.registry.paused && !this.holdForRebuild) {
      // Documents waiting for the writer do not hold a worker slot: a slow commit or an
      // optimize run must not starve the workers (the backlog is bounded instead).
      const busy = () => this.inFlight.size - this.awaitingWrite;
      const starts: DocumentRecord[] = [];
      for (const id of this.registry.queued()) {
        if (busy() + starts.length >= capacity || this.awaitingWrite >= MAX_WRITE_BACKLOG) break;
        if (!this.inFlight.has(id)) starts.push(this.registry.get(id)!);
      }
      for (const doc of starts) this.startIndexing(doc);
    }
    // Every document in flight waits for the writer: none can join its batch, so commit.
    if (this.awaitingWrite > 0 && this.inFlight.size === this.awaitingWrite) this.writer.flushNow();
    if (this.inFlight.size === 0) void this.embedPending();
    this.checkIdle();
  }

  private checkIdle() {
    if (!this.isIdle() || this.idleWaiters.length === 0) {
      if (this.isIdle()) this.optimizeWhenQuiet();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    // Compact once the queue drains, then report idle: callers see a settled index.
    void this.options.store
      .maybeOptimize(true)
      .catch((error: unknown) => this.optimizeFailed(error))
      .then(() => {
        for (const resolve of waiters) resolve();
      });
  }

  /**
   * A drained queue optimizes only when due; after a quiet spell it folds in the rest.
   * Optimizing on every drain would cost a pass over a large library per dropped file.
   */
  /** Compaction is maintenance: a failure keeps what is stored, but it is logged, not dropped. */
  private optimizeFailed(error: unknown) {
    this.options.log?.('warn', `compacting the search index failed: ${String(error)}`);
  }

  private optimizeWhenQuiet() {
    void this.options.store
      .maybeOptimize(false)
      .catch((error: unknown) => this.optimizeFailed(error));
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.isIdle() && !this.closed)
        void this.options.store
          .maybeOptimize(true)
          .catch((error: unknown) => this.optimizeFailed(error));
    }, QUIET_OPTIMIZE_MS);
    this.quietTimer.unref?.();
  }

  private startIndexing(doc: DocumentRecord): void {
    const tracker = new ProgressTracker();
    // Best effort: on a full disk the journal keeps 'queued', and indexing still tries.
    let current: DocumentRecord = { ...doc, status: 'parsing', updatedAt: Date.now() };
    this.registry.putBestEffort(current);
    const job = this.options.pool.run(
      { type: 'index', documentId: doc.id, path: doc.path, password: this.passwords.get(doc.id) },
      (p) => {
        const tracked = tracker.update(p.stage, p.done, p.total);
        if (!tracked) return;
        const progress = p.label ? { ...tracked, label: p.label } : tracked;
        const latest = this.registry.get(doc.id);
        if (!latest || latest.status === 'cancelled' || latest.status === 'failed') return;
        if (latest.status !== p.stage) {
          current = { ...latest, status: p.stage, updatedAt: Date.now() };
          this.registry.putBestEffort(current);
        }
        this.registry.setProgress(doc.id, progress);
        this.emit(doc.id, 'document.progress', { documentId: doc.id, ...progress });
      },
    );
    job.promise.catch(() => {}); // handled below; this only keeps an early rejection from going unhandled
    this.inFlight.set(doc.id, { cancel: job.cancel, tracker });
    void (async () => {
      try {
        const contentHash = await hashFile(doc.path).catch(() => null);
        const result = (await job.promise) as IndexResponse;
        if (!this.registry.get(doc.id)) return; // removed meanwhile
        current = this.registry.put({
          ...this.require(doc.id),
          status: 'writing',
          pages: result.pages,
          updatedAt: Date.now(),
        });
        const writing = tracker.update('writing', 0, result.chunks.length);
        if (writing) this.emit(doc.id, 'document.progress', { documentId: doc.id, ...writing });
        this.awaitingWrite += 1;
        const written = this.writer.write({
          documentId: doc.id,
          documentName: current.name,
          documentPath: current.path,
          chunks: result.chunks,
          vectors: result.vectors,
          embeddingModel: result.embeddingModel,
          collections: () => this.registry.get(doc.id)?.collections ?? [],
        });
        this.pump();
        await written.finally(() => {
          this.awaitingWrite -= 1;
        });
        if (!this.registry.get(doc.id)) {
          await this.options.store.deleteDocument(doc.id);
          return;
        }
        const vectorsPending = result.vectors === null;
        const ready = this.registry.put({
          ...this.require(doc.id),
          status: 'ready',
          chunks: result.chunks.length,
          pages: result.pages,
          progress: null,
          error: null,
          vectorsPending,
          embeddingModel: result.embeddingModel,
          language: result.language ?? null,
          ocrPages: result.ocrPages ?? [],
          warnings: documentWarnings(result),
          contentHash,
          updatedAt: Date.now(),
        });
        this.passwords.delete(doc.id);
        this.emit(doc.id, 'document.ready', {
          documentId: doc.id,
          chunks: ready.chunks,
          pages: ready.pages,
          ms: tracker.elapsedMs,
          vectorsPending,
        });
      } catch (error) {
        // Shutting down: leave the document in flight, so the next start resumes it.
        const latest = this.registry.get(doc.id);
        if (latest && !this.closed) this.fail(latest, error);
      } finally {
        this.inFlight.delete(doc.id);
        this.notifySettled();
        this.emitQueueState();
        this.pump();
      }
    })();
  }

  private fail(doc: DocumentRecord, error: unknown) {
    const shape = toErrorShape(error);
    if (shape.code === 'internal')
      this.options.log?.('error', `indexing ${doc.path} failed: ${String(error)}`);
    const status: DocumentStatus = shape.code === 'cancelled' ? 'cancelled' : 'failed';
    // Best effort: on a full disk the journal keeps the last state, which a restart retries.
    this.registry.putBestEffort({
      ...doc,
      status,
      progress: null,
      error: { code: shape.code, message: shape.message },
      updatedAt: Date.now(),
    });
    this.emit(doc.id, 'document.failed', {
      documentId: doc.id,
      code: shape.code,
      message: shape.message,
    });
    if (shape.code === 'table_damaged') void this.checkIndex();
  }

  /** Embeds documents stored without vectors, or with another model's, once a model is there. */
  private async embedPending(): Promise<void> {
    if (this.embedding || this.closed || this.registry.paused || this.holdForRebuild) return;
    const due = this.registry.needingVectors(this.options.embeddingModel);
    if (due.length === 0) return;
    this.embedding = true;
    try {
      for (const doc of due) {
        if (this.closed || this.registry.paused || this.inFlight.size > 0) break;
        const texts = await this.options.store.chunkTexts(doc.id);
        let response: EmbedResponse;
        try {
          response = (await this.options.pool.run({ type: 'embed', documentId: doc.id, texts })
            .promise) as EmbedResponse;
        } catch (error) {
          if (error instanceof QuireError && error.code === 'model_unavailable') break; // try again later
          throw error;
        }
        await this.options.store.setVectors(doc.id, response.embeddingModel, response.vectors);
        const latest = this.registry.get(doc.id);
        if (latest) {
          this.registry.put({
            ...latest,
            vectorsPending: false,
            embeddingModel: response.embeddingModel,
            updatedAt: Date.now(),
          });
          this.emit(doc.id, 'document.ready', {
            documentId: doc.id,
            chunks: latest.chunks,
            pages: latest.pages,
            ms: 0,
            vectorsPending: false,
          });
        }
      }
    } catch (error) {
      this.options.log?.('warn', `embedding pending documents failed: ${String(error)}`);
    } finally {
      this.embedding = false;
      this.notifySettled();
      this.checkIdle();
    }
  }

  private emit<
    K extends
      | 'document.added'
      | 'document.progress'
      | 'document.ready'
      | 'document.failed'
      | 'document.removed',
  >(documentId: string, type: K, data: EventData[K]) {
    this.options.hub.emit(LIBRARY_STREAM, type, data);
    this.options.hub.emit(documentStream(documentId), type, data);
  }

  private emitQueueState() {
    this.options.hub.emit(LIBRARY_STREAM, 'queue.state', {
      paused: this.registry.paused,
      pending: this.registry.queuedCount,
      active: this.inFlight.size,
      totals: this.registry.totals(),
    });
  }
}

function publicInfo(doc: DocumentRecord): DocumentInfo {
  const { contentHash: _hash, mtimeMs: _mtime, ...info } = doc;
  return info;
}

/** A ready document's partial failures, so it never shows a plain "Ready" that is not true. */
function documentWarnings(result: IndexResponse): DocumentWarning[] {
  const warnings: DocumentWarning[] = result.warnings.map((w) => ({
    code: w.code,
    message: w.message,
    ...(w.pages?.length ? { pages: w.pages } : {}),
  }));
  // A missing model is the ordinary "vectors pending" state, shown as such; anything else is news.
  if (result.vectorsError && result.vectorsError.code !== 'model_unavailable')
    warnings.push({
      code: result.vectorsError.code,
      message: `Search by meaning is not available for this document: ${result.vectorsError.message}`,
    });
  return warnings.slice(0, 50);
}
