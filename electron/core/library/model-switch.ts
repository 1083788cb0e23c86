import { isQuireError, QuireError, toErrorShape } from '../../../shared/errors';
import type { ModelSwitchState } from '../../../shared/models';
import { LIBRARY_STREAM } from '../../../shared/streams';
import type { WorkerPool } from '../indexing/worker-pool';
import type { Handlers } from '../rpc/dispatch';
import type { StreamHub } from '../streams/stream-hub';
import { groupsOf } from './reembedder';

/** What a switch needs from the chunk store (LanceStore in the app). */
export interface ModelSwitchStore {
  readonly modelSwitch: {
    modelId: string;
    dims: number;
    fromModel: string | null;
    paused: boolean;
  } | null;
  beginModelSwitch(target: {
    modelId: string;
    dims: number;
    fromModel: string | null;
  }): Promise<unknown>;
  setModelSwitchPaused(paused: boolean): Promise<void>;
  cancelModelSwitch(): Promise<void>;
  modelSwitchBacklog(): Promise<{ pending: Map<string, number>; stagedChunks: number }>;
  stageVectors(
    batch: { docId: string; modelId: string; vectors: Float32Array }[],
  ): Promise<{ staged: number; skipped: number }>;
  completeModelSwitch(): Promise<boolean>;
  chunkTexts(docId: string): Promise<string[]>;
}

/** Where an installed model's files are, and its vector width. */
export type InstalledModel = { dir: string; dims: number };

export type ModelSwitchDeps = {
  store: ModelSwitchStore;
  pool: Pick<WorkerPool, 'run' | 'size'>;
  hub: StreamHub;
  /** The model the library's vectors come from now. */
  currentModel(): string;
  /** Null when the model's weights are not (all) on disk; throws for a malformed model id. */
  locate(modelId: string): InstalledModel | null;
  /** Fetches the model; rejects with a coded error (unreachable, disk_full, cancelled…). */
  download(modelId: string): Promise<void>;
  /** After the atomic step: the workers, search and settings take the new model. */
  onSwitched(modelId: string, fromModel: string | null): Promise<void>;
  /** Indexing goes first: the switch waits while this is true. */
  shouldYield(): boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  now?: () => number;
};

/** Passages sent to a worker per request: a few full model batches. */
const TEXTS_PER_REQUEST = 128;
/** Progress events at most this often. */
const EMIT_EVERY_MS = 250;
const YIELD_POLL_MS = 250;

const IDLE: ModelSwitchState = {
  state: 'idle',
  fromModel: null,
  targetModel: null,
  doneChunks: 0,
  totalChunks: 0,
  secondsLeft: null,
  error: null,
};

/**
 * Switches the library's embedding model in the background. Every passage is embedded again
 * with the target into a table beside the one search reads; search keeps using the old
 * vectors (and the old model for queries) until the store makes the new table current in one
 * step. The table itself records what is done, so a kill resumes where it stopped.
 */
export class ModelSwitcher {
  private state: ModelSwitchState = IDLE;
  private running: Promise<void> | null = null;
  /** Set to stop the running pass: 'pause' keeps the work, 'cancel' drops it, 'close' neither. */
  private stopping: 'pause' | 'cancel' | 'close' | null = null;
  private readonly inFlight = new Set<() => void>();
  private lastEmit = 0;
  private rate: { since: number; chunks: number } | null = null;
  private settleWaiters: ((state: ModelSwitchState) => void)[] = [];

  constructor(private readonly deps: ModelSwitchDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  status(): ModelSwitchState {
    return this.state;
  }

  /** The model being downloaded for the switch, while it is. */
  downloadTarget(): string | null {
    return this.state.state === 'downloading' ? this.state.targetModel : null;
  }

  /** Resolves when the switch is no longer downloading or embedding (done, paused, error…). */
  settled(): Promise<ModelSwitchState> {
    if (!this.active) return Promise.resolve(this.state);
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  private get active(): boolean {
    return ['downloading', 'running', 'finishing'].includes(this.state.state);
  }

  /** Takes up a switch a previous run left: running again, or paused as it was. */
  async resumeOnStart(): Promise<void> {
    const record = this.deps.store.modelSwitch;
    if (!record) return;
    this.set({
      ...IDLE,
      state: 'paused',
      fromModel: record.fromModel,
      targetModel: record.modelId,
    });
    await this.readBacklog();
    if (!record.paused) this.launch();
  }

  /**
   * Starts switching to `modelId` (downloading it first when needed), or resumes the switch
   * to it. Returns at once; progress comes as `model.switch` events.
   */
  async start(modelId: string): Promise<ModelSwitchState> {
    const record = this.deps.store.modelSwitch;
    if (record && record.modelId !== modelId)
      throw new QuireError(
        'invalid_argument',
        `A switch to ${record.modelId} is under way. Cancel it before choosing another model.`,
      );
    if (!record && modelId === this.deps.currentModel())
      throw new QuireError(
        'invalid_argument',
        `${modelId} is already the library's embedding model; nothing to switch.`,
      );
    if (this.running) {
      if (!this.stopping) return this.state; // already on its way there
      await this.running; // a pause being taken finishes first
    }
    const fromModel = record?.fromModel ?? this.deps.currentModel();
    this.stopping = null;
    const installed = this.deps.locate(modelId);
    if (installed) {
      // Recorded before this returns, so a pause or a kill right after it is remembered.
      try {
        await this.deps.store.beginModelSwitch({ modelId, dims: installed.dims, fromModel });
      } catch (error) {
        this.set({
          ...this.state,
          state: 'error',
          fromModel,
          targetModel: modelId,
          secondsLeft: null,
          error: toErrorShape(error),
        });
        return this.state;
      }
      this.set({ ...this.state, state: 'running', fromModel, targetModel: modelId, error: null });
    } else {
      this.set({
        ...this.state,
        state: 'downloading',
        fromModel,
        targetModel: modelId,
        error: null,
      });
    }
    this.running = this.prepareAndRun(modelId, fromModel).finally(() => {
      this.running = null;
    });
    return this.state;
  }

  /** Stops between batches and remembers it (a restart stays paused). */
  async pause(): Promise<ModelSwitchState> {
    const downloading = this.state.state === 'downloading';
    if (!this.deps.store.modelSwitch && !downloading) return this.state;
    await this.stop('pause');
    // Paused while its model downloads: the download goes on, the switch waits for Resume.
    if (downloading && !this.deps.store.modelSwitch) {
      this.set({ ...this.state, state: 'paused', secondsLeft: null });
      return this.state;
    }
    // It may have reached its last step meanwhile.
    if (!this.deps.store.modelSwitch) return this.state;
    await this.deps.store.setModelSwitchPaused(true);
    this.set({ ...this.state, state: 'paused', secondsLeft: null });
    return this.state;
  }

  async resume(): Promise<ModelSwitchState> {
    const target =
      this.deps.store.modelSwitch?.modelId ??
      (this.state.state === 'paused' ? this.state.targetModel : null);
    if (!target) throw new QuireError('not_found', 'No model switch is waiting to resume.');
    return this.start(target);
  }

  /** Drops the new vectors: the library keeps its model, and the space comes back. */
  async cancel(): Promise<ModelSwitchState> {
    await this.stop('cancel');
    if (this.deps.store.modelSwitch) await this.deps.store.cancelModelSwitch();
    this.set({ ...this.state, state: 'cancelled', secondsLeft: null });
    return this.state;
  }

  /** Shutting down: the switch's work so far stays, and the next start resumes it. */
  async close(): Promise<void> {
    await this.stop('close');
  }

  private async stop(reason: 'pause' | 'cancel' | 'close'): Promise<void> {
    if (!this.running) return;
    this.stopping = reason;
    for (const cancel of this.inFlight) cancel();
    await this.running;
  }

  private launch(): void {
    const record = this.deps.store.modelSwitch;
    if (!record || this.running) return;
    this.stopping = null;
    this.running = this.prepareAndRun(record.modelId, record.fromModel).finally(() => {
      this.running = null;
    });
  }

  private async prepareAndRun(modelId: string, fromModel: string | null): Promise<void> {
    try {
      let model = this.deps.locate(modelId);
      if (!model) {
        this.set({ ...this.state, state: 'downloading', targetModel: modelId, fromModel });
        await this.deps.download(modelId);
        if (this.stopping) return;
        model = this.deps.locate(modelId);
        if (!model)
          throw new QuireError(
            'model_unavailable',
            `The files of ${modelId} are incomplete after its download; the library keeps ${fromModel ?? 'its model'}.`,
          );
      }
      await this.deps.store.beginModelSwitch({ modelId, dims: model.dims, fromModel });
      this.set({ ...this.state, state: 'running', targetModel: modelId, fromModel });
      await this.embedAll(modelId, model);
    } catch (error) {
      if (this.stopping) return;
      if (isQuireError(error) && error.code === 'cancelled' && !this.deps.store.modelSwitch) {
        // The download was cancelled before any vector was written: nothing to keep.
        this.set({ ...this.state, state: 'cancelled', secondsLeft: null });
        return;
      }
      const shape = toErrorShape(error);
      this.deps.log?.('warn', `switching the embedding model stopped: ${shape.message}`);
      // Not retried on its own: a restart would meet the same missing file or full disk.
      if (this.deps.store.modelSwitch)
        await this.deps.store.setModelSwitchPaused(true).catch(() => undefined);
      this.set({ ...this.state, state: 'error', secondsLeft: null, error: shape });
    }
  }

  private async embedAll(modelId: string, model: InstalledModel): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const pending = await this.readBacklog('running');
      this.rate ??= { since: this.now, chunks: 0 };
      if (pending.size === 0) {
        this.set({ ...this.state, state: 'finishing', secondsLeft: null });
        if (await this.deps.store.completeModelSwitch()) {
          const from = this.state.fromModel;
          await this.deps.onSwitched(modelId, from);
          this.set({ ...this.state, state: 'done', secondsLeft: 0 });
          this.deps.log?.('info', `the library now uses ${modelId}`);
          return;
        }
        continue; // a document changed meanwhile
      }
      const groups = groupsOf(pending, TEXTS_PER_REQUEST, ([, passages]) => passages);
      const lane = async () => {
        for (let group = groups.next(); !group.done; group = groups.next()) {
          while (this.deps.shouldYield() && !this.stopping) await sleep(YIELD_POLL_MS);
          if (this.stopping) return;
          await this.embedGroup(group.value, modelId, model);
        }
      };
      // Every lane ends before the next pass (or a pause) reads the backlog again.
      const lanes = await Promise.allSettled(
        Array.from({ length: Math.max(1, this.deps.pool.size) }, lane),
      );
      const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async embedGroup(
    docs: [string, number][],
    modelId: string,
    model: InstalledModel,
  ): Promise<void> {
    const texts: string[][] = [];
    for (const [docId] of docs) texts.push(await this.deps.store.chunkTexts(docId));
    const request = this.deps.pool.run({
      type: 'embed',
      documentId: null,
      texts: texts.flat(),
      model: { id: modelId, dir: model.dir },
    });
    this.inFlight.add(request.cancel);
    let response;
    try {
      response = await request.promise;
    } finally {
      this.inFlight.delete(request.cancel);
    }
    if (response.dims !== model.dims)
      throw new QuireError(
        'model_unavailable',
        `${modelId} gives vectors of ${response.dims} numbers, but its config.json says ${model.dims}.`,
      );
    let offset = 0;
    const batch = docs.map(([docId], i) => {
      const count = texts[i]!.length;
      const vectors = response.vectors.slice(offset * model.dims, (offset + count) * model.dims);
      offset += count;
      return { docId, modelId, vectors };
    });
    await this.deps.store.stageVectors(batch);
    this.progress(texts.reduce((n, t) => n + t.length, 0));
  }

  private progress(chunks: number): void {
    const doneChunks = Math.min(this.state.totalChunks, this.state.doneChunks + chunks);
    this.rate ??= { since: this.now, chunks: 0 };
    this.rate.chunks += chunks;
    const seconds = (this.now - this.rate.since) / 1000;
    const perSecond = seconds > 0 ? this.rate.chunks / seconds : 0;
    const secondsLeft =
      perSecond > 0 ? Math.round((this.state.totalChunks - doneChunks) / perSecond) : null;
    this.set({ ...this.state, doneChunks, secondsLeft }, { throttle: true });
  }

  /** What is left to embed; the counts (and optionally the state) follow it. */
  private async readBacklog(state = this.state.state): Promise<Map<string, number>> {
    const { pending, stagedChunks } = await this.deps.store.modelSwitchBacklog();
    const pendingChunks = [...pending.values()].reduce((a, b) => a + b, 0);
    this.set({
      ...this.state,
      state,
      doneChunks: stagedChunks,
      totalChunks: stagedChunks + pendingChunks,
    });
    return pending;
  }

  private set(next: ModelSwitchState, options: { throttle?: boolean } = {}): void {
    const changedState = next.state !== this.state.state;
    if (next.state !== 'running') this.rate = null;
    this.state = next;
    const now = this.now;
    if (options.throttle && !changedState && now - this.lastEmit < EMIT_EVERY_MS) return;
    this.lastEmit = now;
    this.deps.hub.emit(LIBRARY_STREAM, 'model.switch', next);
    if (!this.active) for (const resolve of this.settleWaiters.splice(0)) resolve(next);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type ModelSwitchHandlers = Pick<
  Handlers,
  | 'models.switch'
  | 'models.switchStatus'
  | 'models.switchPause'
  | 'models.switchResume'
  | 'models.switchCancel'
>;

export function createModelSwitchHandlers(switcher: ModelSwitcher): ModelSwitchHandlers {
  return {
    'models.switch': ({ modelId }) => switcher.start(modelId),
    'models.switchStatus': () => switcher.status(),
    'models.switchPause': () => switcher.pause(),
    'models.switchResume': () => switcher.resume(),
    'models.switchCancel': () => switcher.cancel(),
  };
}
