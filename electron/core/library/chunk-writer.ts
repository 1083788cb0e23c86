import { toStoreError } from '../store/store-errors';
import type { ChunkStorePort, DocumentChunks } from './chunk-store-port';

type PendingWrite = { doc: DocumentChunks; resolve: () => void; reject: (e: unknown) => void };

/**
 * The single writer. Documents finished close together share one LanceDB commit; each
 * still becomes visible whole. A failing batch is retried one document at a time, so one
 * bad document cannot sink its neighbours.
 */
export class ChunkWriter {
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: ChunkStorePort,
    private readonly maxChunksPerCommit = 2_000,
  ) {}

  write(doc: DocumentChunks): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Yield once so documents finishing in the same tick join this commit.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.length) {
        const batch: PendingWrite[] = [];
        let chunks = 0;
        while (
          this.pending.length &&
          (batch.length === 0 ||
            chunks + this.pending[0]!.doc.chunks.length <= this.maxChunksPerCommit)
        ) {
          const next = this.pending.shift()!;
          chunks += next.doc.chunks.length;
          batch.push(next);
        }
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
      }
      // Compaction only tidies; a failure (e.g. a full disk) must not fail the writes above.
      await this.store.maybeOptimize().catch(() => undefined);
    } finally {
      this.flushing = null;
      if (this.pending.length) this.flushing = this.flushLoop();
    }
  }
}
