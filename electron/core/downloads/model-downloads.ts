// Model downloads as a service: one per model at a time, started only by the user, progress as events.
import path from 'node:path';
import type { ModelStatus } from '../../../shared/contract/models';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { DownloadKind, ModelDownloadState, ModelKind } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import type { EmbeddingDtype } from '../../../shared/settings';
import {
  downloadDtype,
  findLocalModel,
  MODEL_FILES,
  type ModelDtype,
} from '../embedding/model-location';
import type { StreamHub } from '../streams/stream-hub';
import type { Handlers } from '../rpc/dispatch';
import { DEFAULT_HUB_URL, downloadModel, type HubFile } from './fetch-model-folder';

/** What Quire fetches for a model with the given weights; the weights come last. */
export function modelDownloadFiles(dtype: ModelDtype): readonly HubFile[] {
  return [
    { path: 'config.json', required: true },
    { path: 'tokenizer.json', required: true },
    { path: 'tokenizer_config.json', required: true },
    { path: 'special_tokens_map.json', required: false },
    { path: 'vocab.txt', required: false },
    { path: MODEL_FILES[dtype], required: true },
  ];
}

/**
 * What Quire fetches for a cross-encoder (reranker, NLI), and for the embedding model unless its
 * setting asks for fp32: the quantized weights, a quarter of the size (embedding/model-location.ts).
 */
export const MODEL_DOWNLOAD_FILES: readonly HubFile[] = modelDownloadFiles('q8');

/** Download sizes of the models Quire suggests, for the "Download (≈N MB)" button. */
const APPROX_BYTES: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 24_000_000,
  'Xenova/multilingual-e5-small': 118_000_000,
  'Xenova/ms-marco-MiniLM-L-6-v2': 24_000_000,
  // model_quantized.onnx 87.2 MB and tokenizer.json 8.7 MB (DeBERTa's 128k-piece vocabulary).
  'Xenova/nli-deberta-v3-xsmall': 96_000_000,
};

export type ModelDownloadsOptions = {
  hub: StreamHub;
  /** Folders searched for models, best first; downloads go to the first. */
  searchDirs: readonly string[];
  hubUrl?: string;
  /** The model ids the settings currently name. */
  modelIds: () => Record<ModelKind, string>;
  /** The embedding model's weights setting: 'fp32' fetches `onnx/model.onnx`, else the int8 file. */
  embeddingDtype?: () => EmbeddingDtype;
  /** Puts a finished model to use; resolves true when Quire must restart first. */
  onInstalled: (kind: ModelKind, modelId: string) => Promise<boolean>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

const KINDS: readonly ModelKind[] = ['embedding', 'reranker', 'entailment'];

/** One download in flight or finished: what it fetches and what happens when it completes. */
type DownloadJob = {
  kind: DownloadKind;
  /** The id the state carries: the hub id, or a catalogue id for a chat model. */
  modelId: string;
  /** The hub repository the files come from. */
  repo: string;
  files: readonly HubFile[];
  /** Puts the finished model to use; resolves true when Quire must restart first. */
  install: () => Promise<boolean>;
};

export class ModelDownloads {
  /** Keyed by the model kind, or `language:<catalogue id>` for chat models. */
  private readonly latest = new Map<string, ModelDownloadState>();
  private readonly running = new Map<
    string,
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
    const modelId = this.options.modelIds()[kind];
    if (findLocalModel(modelId, this.options.searchDirs) !== null && !this.running.has(kind))
      return this.publish(kind, { ...blankState(kind, modelId), state: 'done', fraction: 1 });
    return this.startJob(kind, {
      kind,
      modelId,
      repo: modelId,
      files:
        kind === 'embedding'
          ? modelDownloadFiles(downloadDtype(this.options.embeddingDtype?.() ?? 'auto'))
          : MODEL_DOWNLOAD_FILES,
      install: () => this.options.onInstalled(kind, modelId),
    });
  }

  cancel(kind: ModelKind): boolean {
    return this.cancelJob(kind);
  }

  /** Resolves when the model's current download (if any) has ended, with its final state. */
  settled(kind: ModelKind): Promise<ModelDownloadState | null> {
    return this.settledJob(kind);
  }

  /** Where downloads go: the first models folder. */
  get downloadDir(): string | null {
    return this.options.searchDirs[0] ?? null;
  }

  get searchDirs(): readonly string[] {
    return this.options.searchDirs;
  }

  /** The latest state of a download by its key (a model kind, or `language:<id>`). */
  latestState(key: string): ModelDownloadState | null {
    return this.latest.get(key) ?? null;
  }

  startJob(key: string, job: DownloadJob): ModelDownloadState {
    const current = this.latest.get(key);
    if (current && this.running.has(key)) return current;
    const destDir = this.downloadDir;
    if (!destDir)
      throw new QuireError('invalid_argument', 'No models folder is configured to download into.');
    const controller = new AbortController();
    this.publish(key, blankState(job.kind, job.modelId));
    const finished = this.run(key, job, destDir, controller.signal).finally(() =>
      this.running.delete(key),
    );
    this.running.set(key, { controller, finished });
    return this.latest.get(key)!;
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  cancelJob(key: string): boolean {
    const entry = this.running.get(key);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  async settledJob(key: string): Promise<ModelDownloadState | null> {
    await this.running.get(key)?.finished;
    return this.latest.get(key) ?? null;
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const entry of all) entry.controller.abort();
    await Promise.all(all.map((entry) => entry.finished));
    this.unregister();
  }

  private async run(
    key: string,
    job: DownloadJob,
    destDir: string,
    signal: AbortSignal,
  ): Promise<void> {
    const started = Date.now();
    try {
      const files = await downloadModel({
        modelId: job.repo,
        destDir,
        files: job.files,
        hubUrl: this.options.hubUrl,
        signal,
        onProgress: (p) =>
          this.publish(key, {
            ...this.latest.get(key)!,
            file: p.file,
            receivedBytes: p.receivedBytes,
            totalBytes: p.totalBytes,
            fraction: p.fraction,
          }),
      });
      const bytes = files.reduce((sum, f) => sum + f.size, 0);
      this.options.log?.(
        'info',
        `downloaded ${job.repo} (${bytes} bytes) in ${Date.now() - started} ms`,
      );
      const restartRequired = await job.install();
      this.publish(key, {
        ...this.latest.get(key)!,
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
        this.options.log?.('error', `downloading ${job.repo} failed: ${String(error)}`);
      const wasCancelled = signal.aborted || shape.code === 'cancelled';
      this.publish(key, {
        ...this.latest.get(key)!,
        state: wasCancelled ? 'cancelled' : 'error',
        file: null,
        error: wasCancelled ? null : { code: shape.code, message: shape.message },
      });
    }
  }

  /** Publishes a state under its key; also how a finished-at-once download is reported. */
  publish(key: string, state: ModelDownloadState): ModelDownloadState {
    this.latest.set(key, state);
    this.options.hub.emit(SYSTEM_STREAM, 'model.download.progress', state);
    return state;
  }
}

export function blankState(kind: DownloadKind, modelId: string): ModelDownloadState {
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

type ModelHandlers = Pick<Handlers, 'models.status' | 'models.download' | 'models.cancelDownload'>;

export function createModelHandlers(downloads: ModelDownloads): ModelHandlers {
  return {
    'models.status': () => ({ models: downloads.status(), hub: downloads.hubUrl }),
    'models.download': ({ model }) => ({ stream: SYSTEM_STREAM, state: downloads.start(model) }),
    'models.cancelDownload': ({ model }) => ({ cancelled: downloads.cancel(model) }),
  };
}
