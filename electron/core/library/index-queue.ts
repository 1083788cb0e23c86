import type { DocumentRecord } from './document-registry';
import { startIndexJob, type IndexJobDeps } from './index-job';
import { Reembedder, type ReembedderDeps } from './reembedder';

export type IndexQueueDeps = Omit<IndexJobDeps, 'isClosed' | 'awaitingWrite' | 'pump'> &
  Pick<ReembedderDeps, 'embeddingModel'> & { writerPolicy?: ReembedderDeps['writer'] };

/** Documents parsed (and embedded) ahead of the writer, at most. */
const MAX_WRITE_BACKLOG = 256;
/**
 * Large files, and PDFs and images (which may need an OCR engine each), hold a worker's
 * memory, so fewer of them are in flight per worker. Small ones fill the worker (the pool's
 * concurrency), which gives its embed batcher chunks of similar length to batch together.
 */
const HEAVY_FILES_PER_WORKER = 4;
const LARGE_FILE_BYTES = 1024 * 1024;

function isHeavy(doc: DocumentRecord): boolean {
  return doc.size >= LARGE_FILE_BYTES || doc.kind === 'pdf' || doc.kind === 'image';
}
const QUIET_OPTIMIZE_MS = 30_000;

/**
 * The queue: starts queued documents on the worker pool (a few per worker), keeps the
 * writer's backlog bounded, embeds documents waiting for vectors when nothing else runs, and
 * tells waiters when all is idle or settled.
 */
export class IndexQueue {
  private readonly inFlight = new Map<string, () => void>();
  private readonly jobDeps: IndexJobDeps;
  private readonly reembedder: Reembedder;
  private idleWaiters: (() => void)[] = [];
  private settleWaiters: (() => void)[] = [];
  /** In-flight documents whose chunks wait for the writer's next commit. */
  private awaitingWrite = 0;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** While the tables are swapped: nothing new starts, so nothing writes to a dropped table. */
  holdForRebuild = false;

  constructor(private readonly deps: IndexQueueDeps) {
    this.jobDeps = {
      ...deps,
      isClosed: () => this.closed,
      awaitingWrite: (delta) => (this.awaitingWrite += delta),
      pump: () => this.pump(),
    };
    this.reembedder = new Reembedder({
      ...deps,
      writer: deps.writerPolicy,
      shouldStop: () =>
        this.closed || deps.registry.paused || this.holdForRebuild || this.inFlight.size > 0,
    });
  }

  /** Documents in flight. */
  get active(): number {
    return this.inFlight.size;
  }

  isRunning(documentId: string): boolean {
    return this.inFlight.has(documentId);
  }

  /** Cancels the document's job; false when it is not running. */
  cancel(documentId: string): boolean {
    const cancel = this.inFlight.get(documentId);
    cancel?.();
    return cancel !== undefined;
  }

  pump(): void {
    if (this.closed) return;
    const { registry, pool, writer } = this.deps;
    const capacity = (doc: DocumentRecord) =>
      Math.max(2, pool.size * (isHeavy(doc) ? HEAVY_FILES_PER_WORKER : pool.concurrency));
    if (!registry.paused && !this.holdForRebuild) {
      // Documents waiting for the writer do not hold a worker slot: a slow commit or an
      // optimize run must not starve the workers (the backlog is bounded instead).
      const busy = () => this.inFlight.size - this.awaitingWrite;
      const starts: DocumentRecord[] = [];
      for (const id of registry.queued()) {
        if (this.inFlight.has(id)) continue;
        const doc = registry.get(id)!;
        if (busy() + starts.length >= capacity(doc) || this.awaitingWrite >= MAX_WRITE_BACKLOG)
          break;
        starts.push(doc);
      }
      for (const doc of starts) this.start(doc);
    }
    // Every document in flight waits for the writer: none can join its batch, so commit.
    if (this.awaitingWrite > 0 && this.inFlight.size === this.awaitingWrite) writer.flushNow();
    if (this.inFlight.size === 0)
      void this.reembedder.run().then((ran) => {
        if (!ran) return;
        this.notifySettled();
        this.checkIdle();
      });
    this.checkIdle();
  }

  /** Resolves once no document is being indexed or embedded. */
  settled(): Promise<void> {
    if (this.inFlight.size === 0 && !this.reembedder.busy) return Promise.resolve();
    return new Promise<void>((resolve) => this.settleWaiters.push(resolve)).then(() =>
      this.settled(),
    );
  }

  /** Resolves when nothing is queued, in flight or waiting to be written. */
  whenIdle(): Promise<void> {
    const { writer } = this.deps;
    if (this.isIdle()) return writer.idle();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve)).then(() => writer.idle());
  }

  /** Starts nothing more; documents in flight stay so in the registry, for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    await this.reembedder.stop();
  }

  private start(doc: DocumentRecord): void {
    const job = startIndexJob(doc, this.jobDeps);
    this.inFlight.set(doc.id, job.cancel);
    void job.finished.then(() => {
      this.inFlight.delete(doc.id);
      this.notifySettled();
      this.deps.events.queueState();
      this.pump();
    });
  }

  private notifySettled() {
    if (this.inFlight.size > 0 || this.reembedder.busy) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private isIdle(): boolean {
    const { registry } = this.deps;
    const waiting = (!registry.paused || this.holdForRebuild) && registry.queuedCount > 0;
    return this.inFlight.size === 0 && !waiting && !this.reembedder.busy;
  }

  private checkIdle() {
    if (!this.isIdle() || this.idleWaiters.length === 0) {
      if (this.isIdle()) this.optimizeWhenQuiet();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    // Compact once the queue drains, then report idle: callers see a settled index.
    void this.deps.store
      .maybeOptimize(true)
      .catch((error: unknown) => this.optimizeFailed(error))
      .then(() => {
        for (const resolve of waiters) resolve();
      });
  }

  /** Compaction is maintenance: a failure keeps what is stored, but it is logged, not dropped. */
  private optimizeFailed(error: unknown) {
    this.deps.log?.('warn', `compacting the search index failed: ${String(error)}`);
  }

  /**
   * A drained queue optimizes only when due; after a quiet spell it folds in the rest.
   * Optimizing on every drain would cost a pass over a large library per dropped file.
   */
  private optimizeWhenQuiet() {
    const { store } = this.deps;
    void store.maybeOptimize(false).catch((error: unknown) => this.optimizeFailed(error));
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.isIdle() && !this.closed)
        void store.maybeOptimize(true).catch((error: unknown) => this.optimizeFailed(error));
    }, QUIET_OPTIMIZE_MS);
    this.quietTimer.unref?.();
  }
}
