// Model downloads as a service: one per model at a time, started only by the user, progress as events.
import path from 'node:path';
import type { ModelStatus } from '../../../shared/contract/models';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { ModelDownloadState, ModelKind } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import { findLocalModel, MODEL_FILES } from '../embedding/model-location';
import type { StreamHub } from '../events/stream-hub';
import type { Handlers } from '../rpc/dispatch';
import { DEFAULT_HUB_URL, downloadModel, type HubFile } from './model-download';

/** What Quire fetches for a sentence-transformer or cross-encoder; the weights come last. */
export const MODEL_DOWNLOAD_FILES: readonly HubFile[] = [
  { path: 'config.json', required: true },
  { path: 'tokenizer.json', required: true },
  { path: 'tokenizer_config.json', required: true },
  { path: 'special_tokens_map.json', required: false },
  { path: 'vocab.txt', required: false },
  // The quantized weights are a quarter of the size; the loader takes them when fp32 is absent.
  { path: MODEL_FILES.q8, required: true },
];

/** Download sizes of the models Quire suggests, for the "Download (≈N MB)" button. */
const APPROX_BYTES: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 24_000_000,
  'Xenova/multilingual-e5-small': 118_000_000,
  'Xenova/ms-marco-MiniLM-L-6-v2': 24_000_000,
};

export type ModelDownloadsOptions = {
  hub: StreamHub;
  /** Folders searched for models, best first; downloads go to the first. */
  searchDirs: readonly string[];
  hubUrl?: string;
  /** The model ids the settings currently name. */
  modelIds: () => Record<ModelKind, string>;
  /** Puts a finished model to use; resolves true when Quire must restart first. */
  onInstalled: (kind: ModelKind, modelId: string) => Promise<boolean>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

const KINDS: readonly ModelKind[] = ['embedding', 'reranker'];

export class ModelDownloads {
  private readonly latest = new Map<ModelKind, ModelDownloadState>();
  private readonly running = new Map<
    ModelKind,
    { controller: AbortController; finished: Promise<void> }
  >();
  private readonly unregister: () => void;

  constructor(private readonly options: ModelDownloadsOptions) {
    // A window opened mid-download starts from the current state, then follows the events.
    this.unregister = options.hub.registerSnapshotProvider(SYSTEM_STREAM, () => ({
      downloads: [...this.latest.values()],
    }));
  }

  get hubUrl(): string {
    return this.options.hubUrl ?? DEFAULT_HUB_URL;
  }

  status(): ModelStatus[] {
    const ids = this.options.modelIds();
    return KINDS.map((kind) => {
      const modelId = ids[kind];
      const found = findLocalModel(modelId, this.options.searchDirs);
      const base = found ?? this.options.searchDirs[0] ?? null;
      const download = this.latest.get(kind);
      return {
        kind,
        modelId,
        present: found !== null,
        path: base === null ? null : path.join(base, modelId),
        approxBytes: APPROX_BYTES[modelId] ?? null,
        download: download?.modelId === modelId ? download : null,
      };
    });
  }

  /** Starts a download and returns at once; a running one is returned as it is. */
  start(kind: ModelKind): ModelDownloadState {
    const current = this.latest.get(kind);
    if (current && this.running.has(kind)) return current;
    const modelId = this.options.modelIds()[kind];
    const destDir = this.options.searchDirs[0];
    if (!destDir)
      throw new QuireError('invalid_argument', 'No models folder is configured to download into.');
    if (findLocalModel(modelId, this.options.searchDirs) !== null)
      return this.publish(kind, { ...this.blank(kind, modelId), state: 'done', fraction: 1 });

    const controller = new AbortController();
    this.publish(kind, this.blank(kind, modelId));
    const finished = this.run(kind, modelId, destDir, controller.signal).finally(() =>
      this.running.delete(kind),
    );
    this.running.set(kind, { controller, finished });
    return this.latest.get(kind)!;
  }

  cancel(kind: ModelKind): boolean {
    const entry = this.running.get(kind);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  /** Resolves when the model's current download (if any) has ended, with its final state. */
  async settled(kind: ModelKind): Promise<ModelDownloadState | null> {
    await this.running.get(kind)?.finished;
    return this.latest.get(kind) ?? null;
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const entry of all) entry.controller.abort();
    await Promise.all(all.map((entry) => entry.finished));
    this.unregister();
  }

  private async run(
    kind: ModelKind,
    modelId: string,
    destDir: string,
    signal: AbortSignal,
  ): Promise<void> {
    const started = Date.now();
    try {
      const files = await downloadModel({
        modelId,
        destDir,
        files: MODEL_DOWNLOAD_FILES,
        hubUrl: this.options.hubUrl,
        signal,
        onProgress: (p) =>
          this.publish(kind, {
            ...this.latest.get(kind)!,
            file: p.file,
            receivedBytes: p.receivedBytes,
            totalBytes: p.totalBytes,
            fraction: p.fraction,
          }),
      });
      const bytes = files.reduce((sum, f) => sum + f.size, 0);
      this.options.log?.(
        'info',
        `downloaded ${modelId} (${bytes} bytes) in ${Date.now() - started} ms`,
      );
      const restartRequired = await this.options.onInstalled(kind, modelId);
      this.publish(kind, {
        ...this.latest.get(kind)!,
        state: 'done',
        file: null,
        receivedBytes: bytes,
        totalBytes: bytes,
        fraction: 1,
        restartRequired,
      });
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'internal')
        this.options.log?.('error', `downloading ${modelId} failed: ${String(error)}`);
      const wasCancelled = signal.aborted || shape.code === 'cancelled';
      this.publish(kind, {
        ...this.latest.get(kind)!,
        state: wasCancelled ? 'cancelled' : 'error',
        file: null,
        error: wasCancelled ? null : { code: shape.code, message: shape.message },
      });
    }
  }

  private blank(kind: ModelKind, modelId: string): ModelDownloadState {
    return {
      kind,
      modelId,
      state: 'running',
      file: null,
      receivedBytes: 0,
      totalBytes: null,
      fraction: null,
      error: null,
      restartRequired: false,
    };
  }

  private publish(kind: ModelKind, state: ModelDownloadState): ModelDownloadState {
    this.latest.set(kind, state);
    this.options.hub.emit(SYSTEM_STREAM, 'model.download.progress', state);
    return state;
  }
}

type ModelHandlers = Pick<Handlers, 'models.status' | 'models.download' | 'models.cancelDownload'>;

export function createModelHandlers(downloads: ModelDownloads): ModelHandlers {
  return {
    'models.status': () => ({ models: downloads.status(), hub: downloads.hubUrl }),
    'models.download': ({ model }) => ({ stream: SYSTEM_STREAM, state: downloads.start(model) }),
    'models.cancelDownload': ({ model }) => ({ cancelled: downloads.cancel(model) }),
  };
}
