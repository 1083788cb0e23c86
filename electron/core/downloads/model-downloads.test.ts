import path from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ModelDownloadState } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import {
  BOW_MODEL_ID,
  MINILM_SHAPE_MODEL_ID,
  testModels,
} from '../../../test/helpers/embedding-fixtures';
import { createQuireCore, type QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { repoFromFolder, startTestHub } from '../../../test/helpers/test-hub-server';

let models: Awaited<ReturnType<typeof testModels>>;
let dir = '';
let remove: () => Promise<void> = async () => {};
let hub: Awaited<ReturnType<typeof startTestHub>> | null = null;
let core: QuireCore | null = null;

beforeAll(async () => {
  models = await testModels();
});
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-download-core-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await hub?.close();
  hub = null;
  await remove();
});

/** A core on a fresh machine: no model anywhere, the hub only reachable if asked. */
async function freshCore(embeddingModel: string) {
  hub ??= await startTestHub({
    [MINILM_SHAPE_MODEL_ID]: repoFromFolder(models.minilmDir),
    [BOW_MODEL_ID]: repoFromFolder(models.bowDir),
  });
  return createQuireCore(
    {
      dataDir: path.join(dir, 'data'),
      transport: 'memory',
      embeddingModel,
      embeddingBackend: 'native',
      poolSize: 1,
      modelHub: hub.url,
      logger: { error: () => {}, warn: () => {} },
    },
    { keychain: false },
  );
}

function followDownloads(c: QuireCore) {
  const client = createInMemoryTransport(c.dispatch);
  const states: ModelDownloadState[] = [];
  const stop = client.follow(SYSTEM_STREAM, {
    onSnapshot: () => {},
    onEvent: (e) => {
      if (e.type === 'model.download.progress') states.push(e.data);
    },
  });
  return { client, states, stop };
}

it('fetches nothing unless asked; a downloaded embedding model is used at once, without a restart', async () => {
  core = await freshCore(MINILM_SHAPE_MODEL_ID);
  await core.library.add(writeNotes(path.join(dir, 'notes'), 3));
  await core.library.whenIdle();
  const before = core.library.documents();
  expect(before.map((d) => [d.status, d.vectorsPending])).toEqual([
    ['ready', true],
    ['ready', true],
    ['ready', true],
  ]);
  expect(await core.retriever.embedQuery('river')).toBeNull();
  // Creating a core and indexing never touched the hub.
  expect(hub!.requests).toEqual([]);

  const { client, states, stop } = followDownloads(core);
  const status = await client.invoke('models.status', {});
  expect(status).toMatchObject({
    ok: true,
    value: {
      hub: hub!.url,
      models: [
        {
          kind: 'embedding',
          modelId: MINILM_SHAPE_MODEL_ID,
          present: false,
          path: path.join(dir, 'data', 'models', MINILM_SHAPE_MODEL_ID),
          download: null,
        },
        { kind: 'reranker', present: false },
        { kind: 'entailment', present: false },
      ],
    },
  });
  expect(hub!.requests).toEqual([]);

  const started = await client.invoke('models.download', { model: 'embedding' });
  expect(started).toMatchObject({ ok: true, value: { stream: SYSTEM_STREAM } });
  await waitFor(() => states.some((s) => s.state !== 'running'), 120_000, 20);
  expect(states.at(-1)).toMatchObject({ state: 'done', fraction: 1, restartRequired: false });
  expect(hub!.requests.length).toBeGreaterThan(0);

  // The documents that waited get their vectors, and search by meaning works.
  await waitFor(() => core!.library.documents().every((d) => !d.vectorsPending), 120_000, 20);
  await core.library.whenIdle();
  expect(core.library.documents().map((d) => d.embeddingModel)).toEqual([
    MINILM_SHAPE_MODEL_ID,
    MINILM_SHAPE_MODEL_ID,
    MINILM_SHAPE_MODEL_ID,
  ]);
  expect((await core.retriever.embedQuery('river'))?.length).toBe(384);
  const after = await client.invoke('models.status', {});
  expect(after.ok && after.value.models[0]).toMatchObject({
    present: true,
    download: { state: 'done' },
  });
  stop();
  client.close();
});

it('a model of another vector width asks for a restart, and after it the documents get vectors', async () => {
  core = await freshCore(BOW_MODEL_ID);
  await core.library.add(writeNotes(path.join(dir, 'notes'), 2));
  await core.library.whenIdle();
  const { client, states, stop } = followDownloads(core);
  await client.invoke('models.download', { model: 'embedding' });
  await waitFor(() => states.some((s) => s.state !== 'running'), 120_000, 20);
  expect(states.at(-1)).toMatchObject({ state: 'done', restartRequired: true });
  // Until the restart, Quire keeps working with full-text search.
  expect(await core.retriever.embedQuery('river')).toBeNull();
  stop();
  client.close();
  await core.close();

  core = await freshCore(BOW_MODEL_ID);
  await waitFor(() => core!.library.documents().every((d) => !d.vectorsPending), 120_000, 20);
  expect((await core.retriever.embedQuery('river'))?.length).toBe(128);
});

it('cancelling from a client stops the download; the model stays absent', async () => {
  await hub?.close();
  hub = await startTestHub(
    { [BOW_MODEL_ID]: repoFromFolder(models.bowDir) },
    { stallAfter: { path: 'onnx/model_quantized.onnx', bytes: 500_000 } },
  );
  core = await freshCore(BOW_MODEL_ID);
  const { client, states, stop } = followDownloads(core);
  await client.invoke('models.download', { model: 'reranker' }).then((r) => {
    // The reranker named in settings is not on this hub: a clear error, nothing installed.
    expect(r.ok).toBe(true);
  });
  await waitFor(() => states.some((s) => s.kind === 'reranker' && s.state === 'error'), 30_000);
  expect(states.find((s) => s.state === 'error')!.error!.code).toBe('bad_response');

  await client.invoke('models.download', { model: 'embedding' });
  await waitFor(() => states.some((s) => s.kind === 'embedding' && s.receivedBytes > 0), 30_000);
  expect(await client.invoke('models.cancelDownload', { model: 'embedding' })).toEqual({
    ok: true,
    value: { cancelled: true },
  });
  await waitFor(() => states.some((s) => s.state === 'cancelled'), 30_000);
  const status = await client.invoke('models.status', {});
  expect(status.ok && status.value.models[0]).toMatchObject({
    present: false,
    download: { state: 'cancelled' },
  });
  expect(core.model.hasWeights).toBe(false);
  stop();
  client.close();
});
