import { toStoreError } from '../store';
import type { ChunkStorePort, DocumentChunks, DocumentVectors } from './chunk-store-port';

type PendingWrite<T> = {
  doc: T;
  at: number;
  resolve: () => void;
  reject: (e: unknown) => void;
};

export type WriterPolicy = {
  /** How long the first document of a batch may wait for others to join its commit. */
  maxDelayMs: number;
  /** A batch this large is committed at once. */
  maxChunksPerCommit: number;
};

// A commit costs about the same for 1 chunk as for 1,000, and each one adds a fragment and
// a version (and brings the next optimize closer). While embedding, documents finish about a
// second apart, so a shorter wait gave one commit per document. A lone document does not
// wait: the library flushes as soon as nothing else is on its way.
export const DEFAULT_WRITER: WriterPolicy = { maxDelayMs: 1_500, maxChunksPerCommit: 4_000 };

/** How one kind of write reaches the store. */
export type BatchCommit<T> = {
  commit(batch: T[]): Promise<void>;
  /** Chunks in one item, counted against `maxChunksPerCommit`. */
  chunksOf(item: T): number;
  /** Runs after each commit; only tidies, so its failure is ignored. */
  afterCommit(): Promise<void>;
};

/**
 * Documents handed in within `maxDelayMs` of each other share one LanceDB commit; each still
 * becomes visible whole. A failing batch is retried one document at a time, so one bad
 * document cannot sink its neighbours.
 */
export class BatchWriter<T> {
  private pending: PendingWrite<T>[] = [];
  private pendingChunks = 0;
  private flushing: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private urgent = false;
  /** Set by flushAll: every batch commits as soon as it is taken. */
  private draining = false;
  private readonly policy: WriterPolicy;

  constructor(
    private readonly target: BatchCommit<T>,
    policy: Partial<WriterPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_WRITER, ...policy };
  }

  /** Documents waiting for their commit. */
  get backlog(): number {
    return this.pending.length;
  }

  write(doc: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, at: Date.now(), resolve, reject });
      this.pendingChunks += this.target.chunksOf(doc);
      if (this.pendingChunks >= this.policy.maxChunksPerCommit) this.wake?.();
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Nothing else can join the batch (no other document is on its way): commit it now. */
  flushNow(): void {
    if (this.wake) this.wake();
    else if (this.pending.length > 0 || this.flushing) this.urgent = true;
  }

  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Nothing more is coming: commits everything pending now, batch after batch. */
  async flushAll(): Promise<void> {
    this.draining = true;
    this.wake?.();
    try {
      await this.idle();
    } finally {
      this.draining = false;
    }
  }

  /** Waits until the batch is full or its first document has waited long enough. */
  private gather(): Promise<void> {
    const waited = Date.now() - (this.pending[0]?.at ?? Date.now());
    const wait = this.policy.maxDelayMs - waited;
    const now =
      this.draining ||
      this.urgent ||
      this.pendingChunks >= this.policy.maxChunksPerCommit ||
      wait <= 0;
    this.urgent = false;
    if (now) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.wake = done;
    });
  }

  private take(): PendingWrite<T>[] {
    const batch: PendingWrite<T>[] = [];
    let chunks = 0;
    const size = (p: PendingWrite<T>) => this.target.chunksOf(p.doc);
    while (
      this.pending.length &&
      (batch.length === 0 || chunks + size(this.pending[0]!) <= this.policy.maxChunksPerCommit)
    ) {
      const next = this.pending.shift()!;
      chunks += size(next);
      this.pendingChunks -= size(next);
      batch.push(next);
    }
    return batch;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length) {
        await this.gather();
        const batch = this.take();
        try {
          await this.target.commit(batch.map((p) => p.doc));
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(toStoreError(error, 'save this document'));
          else {
            for (const p of batch) {
              try {
                await this.target.commit([p.doc]);
                p.resolve();
              } catch (single) {
                p.reject(toStoreError(single, 'save this document'));
              }
            }
          }
        }
        // Compaction only tidies; a failure (e.g. a full disk) must not fail the writes above.
        await this.target.afterCommit().catch(() => undefined);
      }
    } finally {
      this.flushing = null;
      if (this.pending.length) this.flushing = this.flushLoop();
    }
  }
}

/** The single writer of new documents' chunks. */
export class ChunkWriter extends BatchWriter<DocumentChunks> {
  constructor(store: ChunkStorePort, policy: Partial<WriterPolicy> = {}) {
    super(
      {
        commit: (batch) => store.writeDocuments(batch),
        chunksOf: (doc) => doc.chunks.length,
        afterCommit: () => store.maybeOptimize(),
      },
      policy,
    );
  }
}

/** The writer of vectors for chunks already stored (embedded later, or by a new model). */
export class VectorWriter extends BatchWriter<DocumentVectors> {
  constructor(store: ChunkStorePort, policy: Partial<WriterPolicy> = {}) {
    super(
      {
        commit: (batch) => store.setVectors(batch),
        chunksOf: (doc) => doc.chunks,
        afterCommit: () => store.maybeOptimize(),
      },
      policy,
    );
  }
}
