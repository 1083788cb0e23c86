import { toStoreError } from '../store/store-errors';
import type { ChunkStorePort, DocumentChunks } from './chunk-store-port';

type PendingWrite = {
  doc: DocumentChunks;
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

/**
 * The single writer. Documents finished within `maxDelayMs` of each other share one LanceDB
 * commit; each still becomes visible whole. A failing batch is retried one document at a
 * time, so one bad document cannot sink its neighbours.
 */
export class ChunkWriter {
  private pending: PendingWrite[] = [];
  private pendingChunks = 0;
  private flushing: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private urgent = false;
  private readonly policy: WriterPolicy;

  constructor(
    private readonly store: ChunkStorePort,
    policy: Partial<WriterPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_WRITER, ...policy };
  }

  /** Documents waiting for their commit. */
  get backlog(): number {
    return this.pending.length;
  }

  write(doc: DocumentChunks): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, at: Date.now(), resolve, reject });
      this.pendingChunks += doc.chunks.length;
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

  /** Waits until the batch is full or its first document has waited long enough. */
  private gather(): Promise<void> {
    const waited = Date.now() - (this.pending[0]?.at ?? Date.now());
    const wait = this.policy.maxDelayMs - waited;
    const now = this.urgent || this.pendingChunks >= this.policy.maxChunksPerCommit || wait <= 0;
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

  private take(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    let chunks = 0;
    while (
      this.pending.length &&
      (batch.length === 0 ||
        chunks + this.pending[0]!.doc.chunks.length <= this.policy.maxChunksPerCommit)
    ) {
      const next = this.pending.shift()!;
      chunks += next.doc.chunks.length;
      this.pendingChunks -= next.doc.chunks.length;
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
          await this.store.writeDocuments(batch.map((p) => p.doc));
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(toStoreError(error, 'save this document'));
          else {
            for (const p of batch) {
              try {
                await this.store.writeDocuments([p.doc]);
                p.resolve();
              } catch (single) {
                p.reject(toStoreError(single, 'save this document'));
              }
            }
          }
        }
        // Compaction only tidies; a failure (e.g. a full disk) must not fail the writes above.
        await this.store.maybeOptimize().catch(() => undefined);
      }
    } finally {
      this.flushing = null;
      if (this.pending.length) this.flushing = this.flushLoop();
    }
  }
}
