import type { DocumentStatus, DocumentWarning } from '../../../shared/documents';
import { toErrorShape } from '../../../shared/errors';
import type { WorkerPool } from '../indexing/worker-pool';
import type { IndexResponse } from '../indexing/worker-protocol';
import type { ChunkStorePort } from './chunk-store-port';
import type { ChunkWriter } from './chunk-writer';
import type { DocumentRecord, DocumentRegistry } from './document-registry';
import type { LibraryEvents } from './library-events';
import { ProgressTracker } from './progress-tracker';

export type IndexJobDeps = {
  registry: DocumentRegistry;
  pool: WorkerPool;
  store: ChunkStorePort;
  writer: ChunkWriter;
  events: LibraryEvents;
  /** Passwords to try, by document id (memory only). */
  passwords: Map<string, string>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  isClosed(): boolean;
  /** The document's chunks were handed to the writer (+1), or their commit came back (-1). */
  awaitingWrite(delta: 1 | -1): void;
  /** Something changed that may let more work start. */
  pump(): void;
  /** A damaged table showed up: check the whole index. */
  checkIndex(): void;
};

export type IndexJob = { cancel: () => void; finished: Promise<void> };

/**
 * One document's way through the library: a worker parses, chunks and embeds it, the writer
 * commits its chunks, and the registry marks it ready (or failed). `finished` never rejects.
 */
export function startIndexJob(doc: DocumentRecord, deps: IndexJobDeps): IndexJob {
  const { registry, events } = deps;
  const tracker = new ProgressTracker();
  // Best effort: on a full disk the journal keeps 'queued', and indexing still tries.
  registry.putBestEffort({ ...doc, status: 'parsing', updatedAt: Date.now() });
  const job = deps.pool.run(
    { type: 'index', documentId: doc.id, path: doc.path, password: deps.passwords.get(doc.id) },
    (p) => {
      const tracked = tracker.update(p.stage, p.done, p.total);
      if (!tracked) return;
      const progress = p.label ? { ...tracked, label: p.label } : tracked;
      const latest = registry.get(doc.id);
      if (!latest || latest.status === 'cancelled' || latest.status === 'failed') return;
      if (latest.status !== p.stage)
        registry.putBestEffort({ ...latest, status: p.stage, updatedAt: Date.now() });
      registry.setProgress(doc.id, progress);
      events.document(doc.id, 'document.progress', { documentId: doc.id, ...progress });
    },
  );
  job.promise.catch(() => {}); // handled below; this only keeps an early rejection from going unhandled

  const finished = (async () => {
    try {
      const result = await job.promise;
      const before = registry.get(doc.id);
      if (!before) return; // removed meanwhile
      const current = registry.put({
        ...before,
        status: 'writing',
        pages: result.pages,
        updatedAt: Date.now(),
      });
      const writing = tracker.update('writing', 0, result.chunks.length);
      if (writing) events.document(doc.id, 'document.progress', { documentId: doc.id, ...writing });
      deps.awaitingWrite(1);
      const written = deps.writer.write({
        documentId: doc.id,
        documentName: current.name,
        documentPath: current.path,
        chunks: result.chunks,
        vectors: result.vectors,
        embeddingModel: result.embeddingModel,
        collections: () => registry.get(doc.id)?.collections ?? [],
      });
      deps.pump();
      await written.finally(() => deps.awaitingWrite(-1));
      const after = registry.get(doc.id);
      if (!after) {
        await deps.store.deleteDocument(doc.id);
        return;
      }
      const vectorsPending = result.vectors === null;
      const ready = registry.put({
        ...after,
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
        // Hashed by the worker from the bytes it parsed: the file is read once.
        contentHash: result.contentHash ?? null,
        updatedAt: Date.now(),
      });
      deps.passwords.delete(doc.id);
      events.document(doc.id, 'document.ready', {
        documentId: doc.id,
        chunks: ready.chunks,
        pages: ready.pages,
        ms: tracker.elapsedMs,
        vectorsPending,
      });
    } catch (error) {
      // Shutting down: leave the document in flight, so the next start resumes it.
      const latest = registry.get(doc.id);
      if (latest && !deps.isClosed()) failDocument(latest, error, deps);
    }
  })();
  return { cancel: job.cancel, finished };
}

/** Marks a document failed (or cancelled) and says why. */
export function failDocument(
  doc: DocumentRecord,
  error: unknown,
  deps: Pick<IndexJobDeps, 'registry' | 'events' | 'log' | 'checkIndex'>,
): void {
  const shape = toErrorShape(error);
  if (shape.code === 'internal')
    deps.log?.('error', `indexing ${doc.path} failed: ${String(error)}`);
  const status: DocumentStatus = shape.code === 'cancelled' ? 'cancelled' : 'failed';
  // Best effort: on a full disk the journal keeps the last state, which a restart retries.
  deps.registry.putBestEffort({
    ...doc,
    status,
    progress: null,
    error: { code: shape.code, message: shape.message },
    updatedAt: Date.now(),
  });
  deps.events.document(doc.id, 'document.failed', {
    documentId: doc.id,
    code: shape.code,
    message: shape.message,
  });
  if (shape.code === 'table_damaged') deps.checkIndex();
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
