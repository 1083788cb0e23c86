import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QuireError, type QuireErrorShape } from '../../../shared/errors';
import { holdNativeRuntime } from './native-runtime-anchor';
import type {
  FromWorker,
  IndexingWorkerConfig,
  ResponseTo,
  ToWorker,
  WorkerProgress,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol';

export type PoolTask = {
  request: WorkerRequest;
  onProgress?: (progress: WorkerProgress) => void;
  resolve: (response: WorkerResponse) => void;
  reject: (error: QuireError) => void;
  crashes: number;
  seq: number;
  urgent: boolean;
};

type Slot = {
  worker: Worker;
  tasks: Map<number, PoolTask>;
  solo: boolean;
  ready: boolean;
  /** Started with an older config: takes no new work and stops once its tasks are done. */
  retiring?: boolean;
};

/** Workers that die before saying "ready" this many times in a row mean the indexer cannot start. */
const MAX_STARTUP_FAILURES = 3;

/** A worker script, as TypeScript source (run through tsx) or as a built bundle. */
export type WorkerEntry = { url: URL; fromSource: boolean };

export type WorkerPoolOptions = {
  config: IndexingWorkerConfig;
  /** The script each worker runs; default the indexing worker (tests wrap it to crash on cue). */
  entry?: WorkerEntry;
  size?: number;
  /**
   * Documents in flight per worker: parsing one while another is embedded keeps ONNX busy,
   * and many small ones let the embed batcher group chunks of similar length.
   */
  concurrency?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

/**
 * Many small documents in one worker let its embed batcher fill each batch with chunks of
 * similar length: about 60 chunks of SciFact abstracts to choose from.
 */
const DEFAULT_TASKS_PER_WORKER = 32;

/** One less than the core count, never fewer than one: the main thread keeps a core. */
export function defaultPoolSize(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, cores - 1);
}

/** Where the worker script is, from TypeScript sources (tsx, vitest) or from the bundle. */
export function indexingWorkerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (/\.ts($|\?)/.test(here)) return { url: new URL('./worker-entry.ts', here), fromSource: true };
  // The bundle may place this module in out/main or in out/main/chunks.
  const candidates = [
    new URL('./indexing-worker.js', here),
    new URL('../indexing-worker.js', here),
  ];
  return { url: candidates.find((u) => existsSync(u)) ?? candidates[0]!, fromSource: false };
}

/** Starts a worker; from sources, tsx is registered inside the worker before the entry loads. */
export function startWorker(entry: WorkerEntry, workerData: unknown): Worker {
  if (!entry.fromSource) return new Worker(entry.url, { workerData });
  const bootstrap =
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.url.href)}); })` +
    `.catch((error) => { process.nextTick(() => { throw error; }); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A pool of indexing workers. A worker that dies is replaced; the documents it held are
 * retried alone, so an innocent neighbour is never blamed, and a document that kills a
 * worker twice fails with 'worker_crashed'.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PoolTask[] = [];
  private nextSeq = 1;
  private startupFailures = 0;
  private closed = false;
  readonly size: number;
  /** Tasks one worker holds at once (a search query may add one). */
  readonly concurrency: number;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = options.size ?? defaultPoolSize();
    this.concurrency = options.concurrency ?? DEFAULT_TASKS_PER_WORKER;
  }

  /** `urgent` work (a query to embed while documents index) jumps the queue and may exceed concurrency by one. */
  run<R extends WorkerRequest>(
    request: R,
    onProgress?: (progress: WorkerProgress) => void,
    options: { urgent?: boolean } = {},
  ): { promise: Promise<ResponseTo<R>>; cancel: () => void } {
    const seq = this.nextSeq++;
    let task!: PoolTask;
    const promise = new Promise<ResponseTo<R>>((resolve, reject) => {
      task = {
        request,
        onProgress,
        // The worker answers a request with the response of its type (worker-entry's handle).
        resolve: (response) => resolve(response as ResponseTo<R>),
        reject,
        crashes: 0,
        seq,
        urgent: options.urgent ?? false,
      };
    });
    if (this.closed) task.reject(new QuireError('cancelled', 'Indexing has stopped.'));
    else {
      if (task.urgent) this.queue.unshift(task);
      else this.queue.push(task);
      this.pump();
    }
    return { promise, cancel: () => this.cancel(task) };
  }

  /**
   * New workers start with `config` (e.g. an embedding model that has just been downloaded).
   * Idle workers stop now; busy ones finish their documents first, so nothing is lost.
   */
  reconfigure(config: Partial<IndexingWorkerConfig>): void {
    this.options.config = { ...this.options.config, ...config };
    for (const slot of [...this.slots]) {
      slot.retiring = true;
      this.retireIfIdle(slot);
    }
    this.pump();
  }

  get busy(): number {
    return this.slots.reduce((n, s) => n + s.tasks.size, 0) + this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new QuireError('cancelled', 'Indexing has stopped.'));
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const task of slot.tasks.values())
          task.reject(new QuireError('cancelled', 'Indexing has stopped.'));
        slot.tasks.clear();
        await slot.worker.terminate();
      }),
    );
  }

  private cancel(task: PoolTask) {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(new QuireError('cancelled', 'Indexing was cancelled.'));
      return;
    }
    for (const slot of this.slots) {
      if (slot.tasks.has(task.seq))
        slot.worker.postMessage({ seq: task.seq, cancel: true } satisfies ToWorker);
    }
  }

  private pump() {
    // Workers start with the first document, so a core that never indexes costs nothing.
    while (this.queue.length && this.slots.length < this.size) this.slots.push(this.spawn());
    while (this.queue.length) {
      const task = this.queue[0]!;
      const suspect = task.crashes > 0;
      const slot = this.slots
        .filter(
          (s) =>
            !s.solo &&
            !s.retiring &&
            (suspect
              ? s.tasks.size === 0
              : s.tasks.size < this.concurrency + (task.urgent ? 1 : 0)),
        )
        .sort((a, b) => a.tasks.size - b.tasks.size)[0];
      if (!slot) return;
      this.queue.shift();
      slot.solo = suspect;
      slot.tasks.set(task.seq, task);
      slot.worker.postMessage({ seq: task.seq, request: task.request } satisfies ToWorker);
    }
  }

  private spawn(): Slot {
    if (this.options.config.backend === 'native' && this.options.config.modelDir)
      holdNativeRuntime();
    const worker = startWorker(this.options.entry ?? indexingWorkerEntry(), this.options.config);
    const slot: Slot = { worker, tasks: new Map(), solo: false, ready: false };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onCrash(slot, error.message));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) this.onCrash(slot, `exit code ${code}`);
    });
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker) {
    if (message.kind === 'ready') {
      slot.ready = true;
      this.startupFailures = 0;
      return;
    }
    if (message.kind === 'log') {
      this.options.log?.(message.level, message.message);
      return;
    }
    const task = slot.tasks.get(message.seq);
    if (!task) return;
    if (message.kind === 'progress') {
      task.onProgress?.(message.progress);
      return;
    }
    slot.tasks.delete(message.seq);
    if (slot.tasks.size === 0) slot.solo = false;
    if (message.ok) task.resolve(message.response);
    else task.reject(toQuireError(message.error));
    this.retireIfIdle(slot);
    this.pump();
  }

  private retireIfIdle(slot: Slot) {
    if (!slot.retiring || slot.tasks.size > 0) return;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate().catch(() => {});
  }

  private onCrash(slot: Slot, reason: string) {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.options.log?.('error', `indexing worker died (${reason}); replacing it`);
    this.slots.splice(index, 1);
    void slot.worker.terminate().catch(() => {});
    const orphans = [...slot.tasks.values()];
    slot.tasks.clear();
    if (this.closed) return;
    if (!slot.ready) {
      // It never started: the documents are not to blame.
      if (++this.startupFailures >= MAX_STARTUP_FAILURES) {
        const error = new QuireError(
          'internal',
          'The indexer could not start. The details are in the log.',
        );
        for (const task of [...orphans, ...this.queue.splice(0)]) task.reject(error);
        this.startupFailures = 0;
        return;
      }
      this.queue.unshift(...orphans);
      this.pump();
      return;
    }
    const retry: PoolTask[] = [];
    for (const task of orphans) {
      task.crashes++;
      const wasAlone = orphans.length === 1;
      if (wasAlone && task.crashes >= 2) {
        task.reject(
          new QuireError(
            'worker_crashed',
            'Indexing this document crashed the indexer twice, so it was skipped. The file may be damaged.',
          ),
        );
      } else retry.push(task);
    }
    this.queue.unshift(...retry);
    this.pump();
  }
}

function toQuireError(shape: QuireErrorShape): QuireError {
  return new QuireError(shape.code, shape.message, { retryable: shape.retryable });
}
