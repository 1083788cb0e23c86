// The indexing worker: parses, chunks and embeds documents, reranks search candidates and checks
// answers' sentences against their sources, off the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { EntailmentModel } from '../checking/entailment-model';
import type { Reranker } from '../retrieval/reranker';
import type {
  EntailRequest,
  EntailResponse,
  FromWorker,
  IndexingWorkerConfig,
  RerankRequest,
  RerankResponse,
  ToWorker,
  WorkerProgress,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol';

const config = workerData as IndexingWorkerConfig;
const port = parentPort!;
const aborts = new Map<number, AbortController>();

function send(message: FromWorker, transfer: ArrayBuffer[] = []) {
  port.postMessage(message, transfer);
}

function log(level: 'info' | 'warn' | 'error', message: string) {
  send({ kind: 'log', level, message });
}

// Heavy modules load lazily: the embedding backend must be chosen before transformers.js loads.
type Runtime = Awaited<ReturnType<typeof loadRuntime>>;
let runtime: Promise<Runtime> | null = null;
let embedderRetryAt = 0;

/** An embedding model and its batcher, with this worker's backend, precision and threads. */
async function loadBatcher(modelId: string, modelDir: string) {
  const { createEmbedder } = await import('../embedding/embedder');
  const { EmbedBatcher } = await import('./embed-batcher');
  const embedder = await createEmbedder({
    modelId,
    localModelPath: modelDir,
    backend: config.backend,
    dtype: config.dtype,
    threads: config.threads,
    batchSize: config.batchSize,
  });
  return { batcher: new EmbedBatcher(embedder, config.batchSize), dispose: embedder.dispose };
}
type Batcher = Awaited<ReturnType<typeof loadBatcher>>['batcher'];

async function loadRuntime() {
  let batcher: Batcher | null = null;
  let batcherError: QuireError | null = null;
  if (config.modelDir) {
    try {
      ({ batcher } = await loadBatcher(config.embeddingModel, config.modelDir));
    } catch (error) {
      batcherError =
        error instanceof QuireError
          ? error
          : new QuireError('model_unavailable', 'The embedding model could not be loaded.');
      log(
        'warn',
        `embedding model unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  } else {
    batcherError = new QuireError('model_unavailable', 'No embedding model folder is configured.');
  }
  const { loadTokenCounter } = await import('./chunker');
  const { approximateTokenCounter } = await import('./approximate-tokens');
  let counter;
  try {
    counter = config.modelDir
      ? await loadTokenCounter(config.embeddingModel, config.modelDir)
      : approximateTokenCounter;
  } catch (error) {
    log(
      'warn',
      `tokenizer unavailable, estimating token counts: ${error instanceof Error ? error.message : String(error)}`,
    );
    counter = approximateTokenCounter;
  }
  const { indexDocument } = await import('./index-document');
  return { batcher, batcherError, counter, indexDocument };
}

async function getRuntime(): Promise<Runtime> {
  if (!runtime) runtime = loadRuntime();
  const current = await runtime;
  // A model that was missing may have been added since: try again now and then.
  if (!current.batcher && config.modelDir && Date.now() >= embedderRetryAt) {
    embedderRetryAt = Date.now() + 30_000;
    if (current.batcherError?.code === 'model_unavailable') {
      const { findLocalModel } = await import('../embedding/model-location');
      if (findLocalModel(config.embeddingModel, [config.modelDir])) runtime = loadRuntime();
    }
  }
  return runtime;
}

/**
 * Keeps the model last asked for, one per kind, loading it on first use and disposing of the
 * one it replaces. A failed load is not kept: the files may be fixed by the next request.
 */
function latestModel<M extends { dispose(): Promise<void> }>() {
  let entry: { key: string; loading: Promise<M> } | null = null;
  return (key: string, load: () => Promise<M>): Promise<M> => {
    if (entry?.key !== key) {
      const previous = entry;
      const current = { key, loading: load() };
      entry = current;
      current.loading.catch(() => {
        if (entry === current) entry = null;
      });
      void previous?.loading.then((old) => old.dispose()).catch(() => undefined);
    }
    return entry.loading;
  };
}

// The cross-encoder and the NLI model (a chat may use both), and a switch's target model
// beside the worker's own embedding model (which keeps serving searches).
const rerankers = latestModel<Reranker>();
const entailers = latestModel<EntailmentModel>();
const switchTargets = latestModel<Awaited<ReturnType<typeof loadBatcher>>>();

async function rerank(request: RerankRequest): Promise<RerankResponse> {
  const { createReranker } = await import('../retrieval/reranker');
  const model = await rerankers(`${request.modelDir}\0${request.modelId}`, () =>
    createReranker({
      modelId: request.modelId,
      localModelPath: request.modelDir,
      backend: config.backend,
      threads: config.threads,
    }),
  );
  const scores = await model.score(request.query, request.passages);
  return { type: 'reranked', scores, modelId: model.modelId };
}

async function entail(request: EntailRequest): Promise<EntailResponse> {
  const { createEntailmentModel, ENTAILMENT_ORDER } = await import('../checking/entailment-model');
  const model = await entailers(`${request.modelDir}\0${request.modelId}`, () =>
    createEntailmentModel({
      modelId: request.modelId,
      localModelPath: request.modelDir,
      backend: config.backend,
      threads: config.threads,
    }),
  );
  const scored = await model.score(request.pairs);
  const probabilities = new Float32Array(scored.length * ENTAILMENT_ORDER.length);
  scored.forEach((p, i) =>
    ENTAILMENT_ORDER.forEach(
      (label, j) => (probabilities[i * ENTAILMENT_ORDER.length + j] = p[label]),
    ),
  );
  return { type: 'entailed', probabilities, modelId: model.modelId };
}

async function switchBatcher(model: { id: string; dir: string }): Promise<Batcher> {
  const loaded = await switchTargets(`${model.dir}\0${model.id}`, () =>
    loadBatcher(model.id, model.dir),
  );
  return loaded.batcher;
}

async function handle(
  seq: number,
  request: WorkerRequest,
  signal: AbortSignal,
): Promise<WorkerResponse> {
  if (request.type === 'rerank') return rerank(request);
  if (request.type === 'entail') return entail(request);
  const rt = await getRuntime();
  const progress = (p: WorkerProgress) => send({ seq, kind: 'progress', progress: p });
  if (request.type === 'index') {
    return rt.indexDocument(request, {
      config,
      counter: rt.counter,
      batcher: rt.batcher,
      batcherError: rt.batcherError,
      progress,
      signal,
    });
  }
  const batcher = request.model ? await switchBatcher(request.model) : rt.batcher;
  if (!batcher)
    throw (
      rt.batcherError ?? new QuireError('model_unavailable', 'No embedding model is available.')
    );
  progress({ stage: 'embedding', done: 0, total: request.texts.length });
  const { withEmbedPrefix } = await import('../embedding/model-prefixes');
  const vectors = await batcher.embed(
    withEmbedPrefix(batcher.modelId, request.role ?? 'passage', request.texts),
    {
      onBatch: (done) => progress({ stage: 'embedding', done, total: request.texts.length }),
      urgent: request.urgent,
    },
  );
  return { type: 'embedded', vectors, dims: batcher.dims, embeddingModel: batcher.modelId };
}

port.on('message', (message: ToWorker) => {
  if ('cancel' in message) {
    aborts.get(message.seq)?.abort();
    return;
  }
  const controller = new AbortController();
  aborts.set(message.seq, controller);
  handle(message.seq, message.request, controller.signal).then(
    (response) => {
      aborts.delete(message.seq);
      const transfer =
        'vectors' in response && response.vectors
          ? [response.vectors.buffer as ArrayBuffer]
          : 'probabilities' in response
            ? [response.probabilities.buffer as ArrayBuffer]
            : [];
      send({ seq: message.seq, kind: 'response', ok: true, response }, transfer);
    },
    (error: unknown) => {
      aborts.delete(message.seq);
      if (!(error instanceof QuireError))
        log(
          'error',
          `indexing failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      send({ seq: message.seq, kind: 'response', ok: false, error: toErrorShape(error) });
    },
  );
});

send({ kind: 'ready' });
