// A worker_threads entry for the tests: embeds texts and transfers the vectors' buffer back.
import { parentPort, workerData } from 'node:worker_threads';
import { createEmbedder, type EmbeddingBackend } from '../../electron/core/embedding/embedder';

type Job = { backend: EmbeddingBackend; localModelPath: string; modelId: string; texts: string[] };

const job = workerData as Job;
const embedder = await createEmbedder({
  modelId: job.modelId,
  localModelPath: job.localModelPath,
  backend: job.backend,
});
const vectors = await embedder.embed(job.texts);
parentPort?.postMessage({ dims: embedder.dims, backend: embedder.backend, vectors }, [
  vectors.buffer as ArrayBuffer,
]);
// After a transfer the worker's view is detached: proof that nothing was copied.
parentPort?.postMessage({ detachedAfterTransfer: vectors.byteLength === 0 });
await embedder.dispose();
