// Measures an embedding model's speed on this machine in a worker thread of its own, apart from
// the indexing pool, so any installed model can be measured without touching the library's.
import { existsSync } from 'node:fs';
import type { EmbeddingSpeed } from '../../../shared/embedding-speed';
import { QuireError, type QuireErrorShape } from '../../../shared/errors';
import type { ModelDtype } from '../embedding/model-location';
import { SPEED_SAMPLE_SIZE } from '../embedding/speed-sample';
import type { EmbeddingBackend } from '../embedding/transformers-runtime';
import { holdNativeRuntime } from './native-runtime-anchor';
import { startWorker, type WorkerEntry } from './worker-pool';

/** What the worker is started with (workerData). */
export type SpeedWorkerInput = {
  modelId: string;
  /** The folder holding `<modelId>/`. */
  modelDir: string;
  backend: EmbeddingBackend;
  threads: number;
  batchSize: number;
  /** Which weights; absent: the embedder's own choice. */
  dtype?: ModelDtype;
  passages: number;
};

export type SpeedWorkerReply =
  | {
      ok: true;
      measurement: Pick<
        EmbeddingSpeed,
        'backend' | 'dtype' | 'passages' | 'tokens' | 'seconds' | 'loadSeconds'
      >;
    }
  | { ok: false; error: QuireErrorShape };

export type MeasureSpeedOptions = Omit<SpeedWorkerInput, 'passages'> & {
  passages?: number;
  signal?: AbortSignal;
  /** The worker script; default the built-in one (tests may wrap it). */
  entry?: WorkerEntry;
  now?: () => number;
};

/** Where the speed worker's script is, from TypeScript sources (tsx, vitest) or from the bundle. */
export function speedWorkerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (/\.ts($|\?)/.test(here)) return { url: new URL('./speed-worker.ts', here), fromSource: true };
  // The bundle may place this module in out/main or in out/main/chunks.
  const candidates = [
    new URL('./embedding-speed-worker.js', here),
    new URL('../embedding-speed-worker.js', here),
  ];
  return { url: candidates.find((u) => existsSync(u)) ?? candidates[0]!, fromSource: false };
}

/** Loads the model in a fresh worker, embeds the built-in sample once, and says how fast. */
export function measureEmbeddingSpeed(options: MeasureSpeedOptions): Promise<EmbeddingSpeed> {
  const { signal, entry, now = Date.now, ...rest } = options;
  const input: SpeedWorkerInput = { ...rest, passages: options.passages ?? SPEED_SAMPLE_SIZE };
  if (signal?.aborted) return Promise.reject(cancelled());
  // A worker that loaded onnxruntime-node and exited would leave the addon unloadable by the
  // next one (native-runtime-anchor.ts): hold it first, as the indexing pool does.
  if (input.backend === 'native') holdNativeRuntime();
  const worker = startWorker(entry ?? speedWorkerEntry(), input);
  return new Promise<EmbeddingSpeed>((resolve, reject) => {
    let reply: SpeedWorkerReply | undefined;
    const stop = () => void worker.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: SpeedWorkerReply) => {
      reply = message;
      void worker.terminate();
    });
    worker.on('error', (error) => {
      reply ??= {
        ok: false,
        error: {
          code: 'worker_crashed',
          message: `The speed measurement failed: ${error.message}`,
        },
      };
    });
    worker.on('exit', () => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) return reject(cancelled());
      if (!reply)
        return reject(
          new QuireError('worker_crashed', 'The speed measurement stopped before it finished.'),
        );
      if (!reply.ok) return reject(new QuireError(reply.error.code, reply.error.message));
      const m = reply.measurement;
      resolve({
        modelId: input.modelId,
        measuredAt: now(),
        threads: input.threads,
        batchSize: input.batchSize,
        ...m,
        passagesPerSecond: m.passages / m.seconds,
        tokensPerSecond: m.tokens / m.seconds,
      });
    });
  });
}

function cancelled(): QuireError {
  return new QuireError('cancelled', 'The speed measurement was cancelled.');
}
