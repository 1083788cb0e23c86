import { QuireError } from '../../../shared/errors';
import type { WorkerPool } from '../indexing/worker-pool';
import type { EmbedResponse } from '../indexing/worker-protocol';
import type { ChunkStorePort, DocumentVectors } from './chunk-store-port';
import { VectorWriter, type WriterPolicy } from './chunk-writer';
import type { DocumentRecord, DocumentRegistry } from './document-registry';
import type { LibraryEvents } from './library-events';

export type ReembedderDeps = {
  registry: DocumentRegistry;
  pool: WorkerPool;
  store: ChunkStorePort;
  events: LibraryEvents;
  /** The model every vector should come from (a model switch changes it). */
  embeddingModel: () => string;
  writer?: Partial<WriterPolicy>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Indexing goes first: re-embedding stops between groups when this says so. */
  shouldStop(): boolean;
};

/** Texts sent to a worker in one request: small documents share full model batches. */
const TEXTS_PER_REQUEST = 256;

/**
 * Gives vectors to documents stored without them (no model at the time) or with another
 * model's. Documents are embedded in groups and their vectors committed in batches, as the
 * chunk writer batches new documents: one LanceDB merge per batch, not per document.
 */
export class Reembedder {
  private running: Promise<void> | null = null;
  private readonly writer: VectorWriter;
  private readonly requests = new Set<() => void>();
  /** Writes handed to the writer; each marks its document ready once committed. */
  private writes: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly deps: ReembedderDeps) {
    this.writer = new VectorWriter(deps.store, deps.writer);
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Embeds what is due; resolves false when there was nothing to do (or it already runs). */
  async run(): Promise<boolean> {
    const { registry, embeddingModel } = this.deps;
    if (this.running || this.stopped || this.deps.shouldStop()) return false;
    const due = registry.needingVectors(embeddingModel());
    if (due.length === 0) return false;
    this.running = this.embedAll(due).finally(() => {
      this.running = null;
    });
    await this.running;
    return true;
  }

  /**
   * Shutting down: commits what is embedded already and drops the groups still being embedded
   * (their documents stay pending, for the next start).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.requests) cancel();
    await this.writer.flushAll();
    await Promise.all(this.writes);
  }

  private async embedAll(due: DocumentRecord[]): Promise<void> {
    this.writes = [];
    const groups = groupsOf(due, TEXTS_PER_REQUEST, (doc) => doc.chunks);
    // One lane per worker; each embeds its next group while earlier ones are committed.
    const lane = async () => {
      try {
        for (let group = groups.next(); !group.done; group = groups.next()) {
          if (this.stopped || this.deps.shouldStop()) return;
          const embedded = await this.embedGroup(group.value);
          if (!embedded || this.stopped) return;
          for (const item of embedded) this.writes.push(this.write(item));
        }
      } catch (error) {
        if (error instanceof QuireError && error.code === 'cancelled') return;
        this.deps.log?.('warn', `embedding pending documents failed: ${String(error)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.pool.size) }, lane));
    // Nothing else will join the last batch.
    await this.writer.flushAll();
    await Promise.all(this.writes);
  }

  /** Vectors for each document of the group; null when no model is there (yet). */
  private async embedGroup(docs: DocumentRecord[]): Promise<DocumentVectors[] | null> {
    const texts: string[][] = [];
    for (const doc of docs) texts.push(await this.deps.store.chunkTexts(doc.id));
    const request = this.deps.pool.run({ type: 'embed', documentId: null, texts: texts.flat() });
    this.requests.add(request.cancel);
    let response: EmbedResponse;
    try {
      response = await request.promise;
    } catch (error) {
      if (error instanceof QuireError && error.code === 'model_unavailable') return null; // try again later
      throw error;
    } finally {
      this.requests.delete(request.cancel);
    }
    let offset = 0;
    return docs.map((doc, i) => {
      const chunks = texts[i]!.length;
      const vectors = response.vectors.slice(
        offset * response.dims,
        (offset + chunks) * response.dims,
      );
      offset += chunks;
      return { documentId: doc.id, embeddingModel: response.embeddingModel, chunks, vectors };
    });
  }

  private async write(item: DocumentVectors): Promise<void> {
    const { registry, events } = this.deps;
    // Indexed again meanwhile: its new chunks came with their own vectors.
    if (registry.get(item.documentId)?.status !== 'ready') return;
    try {
      await this.writer.write(item);
    } catch (error) {
      this.deps.log?.('warn', `embedding a pending document failed: ${String(error)}`);
      return;
    }
    const latest = registry.get(item.documentId);
    if (!latest) return;
    registry.put({
      ...latest,
      vectorsPending: false,
      embeddingModel: item.embeddingModel,
      updatedAt: Date.now(),
    });
    events.document(latest.id, 'document.ready', {
      documentId: latest.id,
      chunks: latest.chunks,
      pages: latest.pages,
      ms: 0,
      vectorsPending: false,
    });
  }
}

/** Consecutive items, about `size` passages to a group (a larger item alone). */
export function* groupsOf<T>(
  items: Iterable<T>,
  size: number,
  passagesOf: (item: T) => number,
): Generator<T[]> {
  let group: T[] = [];
  let count = 0;
  for (const item of items) {
    if (group.length > 0 && count + passagesOf(item) > size) {
      yield group;
      group = [];
      count = 0;
    }
    group.push(item);
    count += passagesOf(item);
  }
  if (group.length > 0) yield group;
}
