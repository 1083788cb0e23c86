// A speed measurement's own worker thread: loads one embedding model, embeds the built-in
// sample as the indexer would, reports, and exits.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../../../shared/errors';
import { createEmbedder } from '../embedding/embedder';
import { withEmbedPrefix } from '../embedding/model-prefixes';
import { speedSamplePassages } from '../embedding/speed-sample';
import type { SpeedWorkerInput, SpeedWorkerReply } from './embedding-speed';

const input = workerData as SpeedWorkerInput;

async function measure(): Promise<SpeedWorkerReply & { ok: true }> {
  const loadStarted = performance.now();
  const embedder = await createEmbedder({
    modelId: input.modelId,
    localModelPath: input.modelDir,
    backend: input.backend,
    threads: input.threads,
    batchSize: input.batchSize,
    ...(input.dtype ? { dtype: input.dtype } : {}),
  });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  try {
    // Passages as the indexer embeds them: with the model's passage prefix, cut at its limit.
    const texts = withEmbedPrefix(input.modelId, 'passage', speedSamplePassages(input.passages));
    const tokens = texts.reduce(
      (sum, text) => sum + Math.min(embedder.countTokens(text), embedder.maxTokens),
      0,
    );
    // One batch first: the first runs of a session allocate and are slower than the rest.
    await embedder.embed(texts.slice(0, input.batchSize));
    const started = performance.now();
    await embedder.embed(texts);
    const seconds = Math.max((performance.now() - started) / 1000, 1e-6);
    return {
      ok: true,
      measurement: {
        backend: embedder.backend,
        dtype: embedder.dtype,
        passages: texts.length,
        tokens,
        seconds,
        loadSeconds,
      },
    };
  } finally {
    await embedder.dispose();
  }
}

measure().then(
  (reply) => parentPort!.postMessage(reply),
  (error: unknown) =>
    parentPort!.postMessage({ ok: false, error: toErrorShape(error) } satisfies SpeedWorkerReply),
);
