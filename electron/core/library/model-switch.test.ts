import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelSwitchState } from '../../../shared/models';
import { MINILM_SHAPE_MODEL_ID, testModels } from '../../../test/helpers/embedding-fixtures';
import { repoFromFolder, startTestHub } from '../../../test/helpers/test-hub-server';
import { SMALL_SHAPE_MODEL_ID } from '../../../scripts/make-test-models';
import { BOW_MODEL, makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { fillDisk, mountTmpfs, tmpfsUnavailable, unmountTmpfs } from '../../../test/helpers/tmpfs';
import type { QuireCore } from '../quire-core';

// The whole switch with real workers and LanceDB on disk: the bag-of-word-pieces model
// (128 numbers a vector) to the MiniLM-shaped one (384), while search keeps answering.
let dir: string;
let remove: () => Promise<void>;
let core: QuireCore | null = null;
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-model-switch-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await remove();
});

const NOTES = 40;

/** A library indexed with the bag-of-word-pieces model, then reopened without a model flag. */
async function libraryWithBow(
  modelDir?: string,
  notes = NOTES,
): Promise<{ dataDir: string; core: QuireCore }> {
  const dataDir = path.join(dir, 'data');
  const first = await makeTestCore(dataDir, modelDir ? { modelDir } : {});
  await first.library.add(writeNotes(path.join(dir, 'notes'), notes));
  await first.library.whenIdle();
  await first.close();
  // No flag: the model comes from the library's own record.
  const reopened = await makeTestCore(dataDir, {
    embeddingModel: undefined,
    ...(modelDir ? { modelDir } : {}),
  });
  return { dataDir, core: reopened };
}

function eventsOf(c: QuireCore): ModelSwitchState[] {
  const seen: ModelSwitchState[] = [];
  c.hub.subscribe('library', {
    listener: (event) => {
      if (event.type === 'model.switch') seen.push(event.data);
    },
  });
  return seen;
}

describe('switching the embedding model', () => {
  it('re-embeds in the background while vector search keeps answering, then switches in one step', async () => {
    ({ core } = await libraryWithBow());
    expect(core.model.modelId).toBe(BOW_MODEL);
    const rows = await core.store.countChunks();
    expect(await core.store.lance.countVectors(BOW_MODEL)).toBe(rows);
    const events = eventsOf(core);

    const started = await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
    expect(started).toMatchObject({ targetModel: MINILM_SHAPE_MODEL_ID, fromModel: BOW_MODEL });
    // Searches all through the switch: none fails, each finds the note it names.
    let searches = 0;
    let searchErrors = 0;
    let searching = true;
    const searchLoop = (async () => {
      while (searching) {
        try {
          const result = await core!.retriever.search('river 3 topic 5', { mode: 'vector', k: 5 });
          if (result.hits.length === 0) searchErrors++;
          searches++;
        } catch {
          searchErrors++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const end = await core.modelSwitch.settled();
    searching = false;
    await searchLoop;
    expect(end).toMatchObject({ state: 'done', doneChunks: rows, totalChunks: rows });
    expect(searches).toBeGreaterThan(0);
    expect(searchErrors).toBe(0);
    // Progress was reported with a count and a time left along the way.
    const progress = events.filter((e) => e.state === 'running');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((e) => e.secondsLeft !== null)).toBe(true);

    // The new model serves search, the records say so, settings name it; no restart needed.
    expect(core.model).toMatchObject({ modelId: MINILM_SHAPE_MODEL_ID, dims: 384 });
    expect(core.store.lance.dims).toBe(384);
    expect(await core.store.lance.countVectors(MINILM_SHAPE_MODEL_ID)).toBe(rows);
    const docs = core.library.registry.all();
    expect(docs.every((d) => d.embeddingModel === MINILM_SHAPE_MODEL_ID && !d.vectorsPending)).toBe(
      true,
    );
    expect(core.settings.get().retrieval.embeddingModel).toBe(MINILM_SHAPE_MODEL_ID);
    const after = await core.retriever.search('river 3 topic 5', { mode: 'vector', k: 5 });
    expect(after.hits.length).toBe(5);
    // Documents added afterwards get the new model's vectors.
    await core.library.add(writeNotes(path.join(dir, 'more'), 3, 'later'));
    await core.library.whenIdle();
    expect(await core.store.lance.countVectors(MINILM_SHAPE_MODEL_ID)).toBe(
      await core.store.countChunks(),
    );
    // Choosing the model in use is refused with the reason.
    await expect(core.modelSwitch.start(MINILM_SHAPE_MODEL_ID)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/already the library's embedding model/),
    });
  });

  it('choosing another model in settings starts the switch; no restart is asked for', async () => {
    ({ core } = await libraryWithBow());
    const current = core.settings.get();
    core.settings.update({
      ...current,
      retrieval: { ...current.retrieval, embeddingModel: MINILM_SHAPE_MODEL_ID },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(core.modelSwitch.status().targetModel).toBe(MINILM_SHAPE_MODEL_ID);
    expect((await core.modelSwitch.settled()).state).toBe('done');
    expect(core.model.modelId).toBe(MINILM_SHAPE_MODEL_ID);
  });

  it('a reader beside the writer follows the switch to the new table and model', async () => {
    let dataDir: string;
    ({ core, dataDir } = await libraryWithBow());
    const reader = await makeTestCore(dataDir, {
      embeddingModel: undefined,
      readOnly: true,
      followWriterMs: 3_600_000,
    });
    try {
      await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
      expect((await core.modelSwitch.settled()).state).toBe('done');
      await reader.follower!.poll();
      expect(reader.model.modelId).toBe(MINILM_SHAPE_MODEL_ID);
      expect(reader.store.lance.dims).toBe(384);
      const hits = await reader.retriever.search('river 3 topic 5', { mode: 'vector', k: 5 });
      expect(hits.hits).toHaveLength(5);
    } finally {
      await reader.close();
    }
  });

  it('pauses, stays paused across a restart, resumes where it stopped, and cancel keeps the old model', async () => {
    let dataDir: string;
    // Enough passages for several requests, so the pause comes before the end.
    ({ core, dataDir } = await libraryWithBow(undefined, 400));
    const rows = await core.store.countChunks();
    await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
    while (core.modelSwitch.status().doneChunks === 0) await new Promise((r) => setTimeout(r, 2));
    expect(core.modelSwitch.status().doneChunks).toBeLessThan(rows);
    const paused = await core.modelSwitch.pause();
    expect(paused.state).toBe('paused');
    await core.close();

    core = await makeTestCore(dataDir, { embeddingModel: undefined });
    const reopened = core.modelSwitch.status();
    expect(reopened).toMatchObject({ state: 'paused', targetModel: MINILM_SHAPE_MODEL_ID });
    expect(reopened.doneChunks).toBeGreaterThan(0);
    expect(core.model.modelId).toBe(BOW_MODEL);
    // Search still answers from the old vectors while paused.
    expect((await core.retriever.search('river 2', { mode: 'vector', k: 3 })).hits).toHaveLength(3);

    const cancelled = await core.modelSwitch.cancel();
    expect(cancelled.state).toBe('cancelled');
    expect(core.store.lance.modelSwitch).toBeNull();
    expect(await core.store.lance.countVectors(BOW_MODEL)).toBe(rows);
    const tables = fs
      .readdirSync(path.join(dataDir, 'lancedb'))
      .filter((n) => n.endsWith('.lance'));
    expect(tables).toEqual(['chunks.lance']);

    // Started again, it runs to the end from a fresh table.
    await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
    expect((await core.modelSwitch.settled()).state).toBe('done');
    await core.close();
    core = await makeTestCore(dataDir, { embeddingModel: undefined });
    expect(core.model.modelId).toBe(MINILM_SHAPE_MODEL_ID);
    expect(await core.store.lance.countVectors(MINILM_SHAPE_MODEL_ID)).toBe(rows);
  });

  it('a model folder with broken weights stops the switch with a clear error; the old vectors keep serving', async () => {
    const models = await testModels();
    const modelDir = path.join(dir, 'models');
    fs.cpSync(path.join(models.modelsDir, BOW_MODEL), path.join(modelDir, BOW_MODEL), {
      recursive: true,
    });
    const broken = path.join(modelDir, 'quire-test', 'broken');
    fs.cpSync(path.join(models.modelsDir, MINILM_SHAPE_MODEL_ID), broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'onnx', 'model.onnx'), 'not an onnx graph');
    fs.rmSync(path.join(broken, 'onnx', 'model_quantized.onnx'), { force: true });
    ({ core } = await libraryWithBow(modelDir));

    await core.modelSwitch.start('quire-test/broken');
    const end = await core.modelSwitch.settled();
    expect(end.state).toBe('error');
    expect(end.error?.code).toBe('model_unavailable');
    expect(end.error?.message).toMatch(/quire-test\/broken/);
    expect(core.model.modelId).toBe(BOW_MODEL);
    expect((await core.retriever.search('river 4', { mode: 'vector', k: 3 })).hits).toHaveLength(3);
    // It waits (paused) rather than retrying the same files on every start.
    expect(core.store.lance.modelSwitch?.paused).toBe(true);
    await expect(core.modelSwitch.start(MINILM_SHAPE_MODEL_ID)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/Cancel it before choosing another model/),
    });
  });
});

describe('switching the embedding model on a full disk', () => {
  if (tmpfsUnavailable)
    console.warn(`Skipping the full-disk model switch test: ${tmpfsUnavailable}`);

  it.skipIf(tmpfsUnavailable !== null)(
    'stops with disk_full, keeps the old vectors serving, and resumes once space is freed',
    async () => {
      const mount = path.join(dir, 'mnt');
      mountTmpfs(mount, 48);
      try {
        const dataDir = path.join(mount, 'data');
        const first = await makeTestCore(dataDir);
        await first.library.add(writeNotes(path.join(dir, 'notes'), NOTES));
        await first.library.whenIdle();
        await first.close();
        core = await makeTestCore(dataDir, { embeddingModel: undefined });
        const rows = await core.store.countChunks();

        const filler = path.join(mount, 'filler');
        fillDisk(filler);
        await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
        const stopped = await core.modelSwitch.settled();
        expect(stopped.state).toBe('error');
        expect(stopped.error?.code).toBe('disk_full');
        expect(core.model.modelId).toBe(BOW_MODEL);
        expect(await core.store.lance.countVectors(BOW_MODEL)).toBe(rows);
        expect(
          (await core.retriever.search('river 1', { mode: 'vector', k: 3 })).hits,
        ).toHaveLength(3);

        fs.rmSync(filler);
        await core.modelSwitch.start(MINILM_SHAPE_MODEL_ID);
        expect((await core.modelSwitch.settled()).state).toBe('done');
        expect(await core.store.lance.countVectors(MINILM_SHAPE_MODEL_ID)).toBe(rows);
        await core.close();
        core = null;
      } finally {
        unmountTmpfs(mount);
      }
    },
  );
});

describe('switching to a model that must be downloaded first', () => {
  const WEIGHTS = 'onnx/model_quantized.onnx';
  let hub: Awaited<ReturnType<typeof startTestHub>> | null = null;
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  /** A library on the bag-of-word-pieces model, with a hub that has the small encoder. */
  async function libraryBesideHub(faults: Parameters<typeof startTestHub>[1]) {
    const models = await testModels();
    const modelDir = path.join(dir, 'models');
    fs.cpSync(path.join(models.modelsDir, BOW_MODEL), path.join(modelDir, BOW_MODEL), {
      recursive: true,
    });
    hub = await startTestHub(
      { [SMALL_SHAPE_MODEL_ID]: repoFromFolder(path.join(models.modelsDir, SMALL_SHAPE_MODEL_ID)) },
      faults,
    );
    const { core: opened } = await libraryWithBow(modelDir);
    await opened.close();
    return makeTestCore(path.join(dir, 'data'), {
      embeddingModel: undefined,
      modelDir,
      modelHub: hub.url,
    });
  }

  it('a connection cut mid-download resumes, and the switch goes on to the end', async () => {
    core = await libraryBesideHub({ dropOnceAfter: { path: WEIGHTS, bytes: 200_000 } });
    const started = await core.modelSwitch.start(SMALL_SHAPE_MODEL_ID);
    expect(started.state).toBe('downloading');
    const end = await core.modelSwitch.settled();
    expect(end.state).toBe('done');
    expect(core.model).toMatchObject({ modelId: SMALL_SHAPE_MODEL_ID, dims: 256 });
    // The cut was real: the weights were asked for again from where they stopped.
    expect(hub!.requests.filter((r) => r.range !== null).length).toBeGreaterThan(0);
  });

  it('a download that is cancelled leaves the library on its model, with nothing half-written', async () => {
    core = await libraryBesideHub({ stallAfter: { path: WEIGHTS, bytes: 200_000 } });
    await core.modelSwitch.start(SMALL_SHAPE_MODEL_ID);
    // Cancelled once the weights are being fetched (the hub has then sent part of them and stalls).
    const weightsAsked = () => hub!.requests.some((r) => r.url.endsWith(WEIGHTS));
    for (let waited = 0; !weightsAsked() && waited < 60_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    expect(weightsAsked()).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    core.downloads.cancel('embedding');
    const end = await core.modelSwitch.settled();
    expect(end.state).toBe('cancelled');
    expect(core.model.modelId).toBe(BOW_MODEL);
    expect(core.store.lance.modelSwitch).toBeNull();
    expect((await core.retriever.search('river 2', { mode: 'vector', k: 3 })).hits).toHaveLength(3);
  });
});
