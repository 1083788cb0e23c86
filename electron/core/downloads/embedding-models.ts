// The embedding-model catalogue on this machine: which models are here, which one the library
// uses, and how fast each ran when measured here (one measurement at a time, off the main thread).
import path from 'node:path';
import type { EmbeddingCatalog, EmbeddingModelStatus } from '../../../shared/contract/models';
import { EMBEDDING_MODEL_CATALOG } from '../../../shared/embedding-catalog';
import type { EmbeddingSpeed } from '../../../shared/embedding-speed';
import { QuireError } from '../../../shared/errors';
import {
  chooseBackend,
  type BackendPreference,
  type CanaryLauncher,
} from '../embedding/backend-canary';
import { readSpeeds, saveSpeed } from '../embedding/speed-store';
import type { EmbeddingBackend } from '../embedding/transformers-runtime';
import {
  assertModelId,
  findLocalModel,
  modelUnavailable,
  type ModelDtype,
} from '../embedding/model-location';
import type { Handlers } from '../rpc/dispatch';
import type { StreamHub } from '../streams/stream-hub';

/** One measurement, as the indexing room runs it (indexing/embedding-speed.ts). */
export type MeasureSpeed = (input: {
  modelId: string;
  modelDir: string;
  backend: EmbeddingBackend;
  threads: number;
  batchSize: number;
  dtype?: ModelDtype;
  signal: AbortSignal;
}) => Promise<EmbeddingSpeed>;

export type EmbeddingModelsOptions = {
  measure: MeasureSpeed;
  dataDir: string;
  /** Folders searched for models, best first; downloads go to the first. */
  searchDirs: readonly string[];
  /** The model the library's vectors come from. */
  inUseId: () => string;
  /** Where download states are published: a finished download is measured. */
  hub?: StreamHub;
  /** Resolves when the library has nothing left to index. */
  whenIdle?: () => Promise<void>;
  /** Which backend embeds ('auto' runs the native canary once per process). */
  backend: () => BackendPreference;
  canaryLauncher?: CanaryLauncher;
  /** Which weights to run when a model has both files; absent: the embedder's own choice. */
  dtype?: () => ModelDtype | undefined;
  /** ONNX threads of one indexing worker, so the figure is what indexing gets per worker. */
  threads: () => number;
  batchSize?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

const QUIET_MS = 1000;

export class EmbeddingModels {
  /** Measurements in flight or waiting, by model id: two at once would slow each other. */
  private readonly pending = new Map<string, Promise<EmbeddingSpeed>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly closing = new AbortController();
  /** Waiting for the library to be quiet before their measurement starts. */
  private readonly waiting = new Set<string>();
  /** Installed by a download whose 'done' has not been published yet. */
  private readonly downloaded = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: EmbeddingModelsOptions) {
    // 'done' is published after the install step has queued the library's re-embedding, so
    // waiting for idle from there waits for that work too.
    this.unsubscribe =
      options.hub?.onAnyEvent((event) => {
        if (event.type !== 'model.download.progress') return;
        const { kind, state, modelId } = event.data;
        if (kind !== 'embedding' || state === 'running') return;
        if (this.downloaded.delete(modelId) && state === 'done') this.measureWhenIdle(modelId);
      }) ?? (() => {});
  }

  /** A download has installed the model: measure it once the download is done and indexing idle. */
  measureAfterDownload(modelId: string): void {
    this.downloaded.add(modelId);
  }

  async catalog(): Promise<EmbeddingCatalog> {
    const speeds = await readSpeeds(this.options.dataDir);
    const inUseId = this.options.inUseId();
    const target = this.options.searchDirs[0] ?? null;
    const models: EmbeddingModelStatus[] = EMBEDDING_MODEL_CATALOG.map((entry) => {
      const found = findLocalModel(entry.id, this.options.searchDirs);
      const base = found ?? target;
      return {
        ...entry,
        present: found !== null,
        path: base === null ? null : path.join(base, entry.id),
        inUse: entry.id === inUseId,
        speed: speeds[entry.id] ?? null,
      };
    });
    const inCatalog = models.some((m) => m.inUse);
    return {
      models,
      inUseId,
      other: inCatalog
        ? null
        : {
            id: inUseId,
            present: safeFind(inUseId, this.options.searchDirs) !== null,
            speed: speeds[inUseId] ?? null,
          },
      measuring: [...new Set([...this.waiting, ...this.pending.keys()])],
    };
  }

  /**
   * Measures an installed model and keeps the figure; a measurement of the same model already
   * under way is joined, and others wait their turn.
   */
  measure(modelId: string, signal?: AbortSignal): Promise<EmbeddingSpeed> {
    assertModelId(modelId);
    const modelDir = findLocalModel(modelId, this.options.searchDirs);
    if (modelDir === null) throw modelUnavailable(modelId, this.options.searchDirs);
    const running = this.pending.get(modelId);
    if (running) return running;
    const task = this.queue.then(() => this.run(modelId, modelDir, signal));
    this.queue = task.catch(() => undefined);
    this.pending.set(modelId, task);
    void task.finally(() => this.pending.delete(modelId)).catch(() => undefined);
    return task;
  }

  /** Measured once the library has stopped indexing, so the figure is fair and indexing unslowed. */
  measureWhenIdle(modelId: string): void {
    this.waiting.add(modelId);
    void this.whenQuiet()
      .then(() => {
        if (!this.closing.signal.aborted) return this.measure(modelId);
      })
      .finally(() => this.waiting.delete(modelId))
      .catch((error: unknown) =>
        this.options.log?.('warn', `measuring ${modelId} failed: ${String(error)}`),
      );
  }

  /**
   * Idle, and still idle a moment later: work queued just before (the vectors a download lets the
   * library fill in) may start a tick after the queue first looks idle.
   */
  private async whenQuiet(): Promise<void> {
    const whenIdle = this.options.whenIdle ?? (() => Promise.resolve());
    await whenIdle();
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    await whenIdle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.closing.abort();
    await Promise.allSettled([...this.pending.values()]);
  }

  private async run(modelId: string, modelDir: string, signal?: AbortSignal) {
    const abort = AbortSignal.any([this.closing.signal, ...(signal ? [signal] : [])]);
    if (abort.aborted) throw new QuireError('cancelled', 'The speed measurement was cancelled.');
    const backend = await chooseBackend(this.options.backend(), {
      ...(this.options.canaryLauncher ? { launch: this.options.canaryLauncher } : {}),
    });
    const dtype = this.options.dtype?.();
    const speed = await this.options.measure({
      modelId,
      modelDir,
      backend,
      threads: this.options.threads(),
      batchSize: this.options.batchSize ?? 8,
      ...(dtype ? { dtype } : {}),
      signal: abort,
    });
    await saveSpeed(this.options.dataDir, speed);
    this.options.log?.(
      'info',
      `${modelId}: ${speed.passagesPerSecond.toFixed(1)} passages/s, ${Math.round(speed.tokensPerSecond)} tokens/s (${speed.backend} ${speed.dtype}, ${speed.threads} threads)`,
    );
    return speed;
  }
}

/** findLocalModel for an id from settings, which may not even be a valid name. */
function safeFind(modelId: string, searchDirs: readonly string[]): string | null {
  try {
    return findLocalModel(modelId, searchDirs);
  } catch {
    return null;
  }
}

type EmbeddingModelHandlers = Pick<
  Handlers,
  'models.embeddingCatalog' | 'models.measureEmbeddingSpeed'
>;

export function createEmbeddingModelHandlers(models: EmbeddingModels): EmbeddingModelHandlers {
  return {
    'models.embeddingCatalog': () => models.catalog(),
    'models.measureEmbeddingSpeed': async ({ id }, ctx) => ({
      speed: await models.measure(id, ctx.signal),
    }),
  };
}
