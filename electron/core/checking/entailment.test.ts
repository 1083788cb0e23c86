// The entailment model end to end: the generated NLI model, real onnxruntime, real worker threads.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQuireError } from '../../../shared/errors';
import { RetrievalSettingsSchema, type RetrievalSettings } from '../../../shared/settings';
import { BOW_MODEL_ID, BOW_NLI_MODEL_ID } from '../../../scripts/make-test-models';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { WorkerPool } from '../indexing/worker-pool';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { createEntailmentChecker } from './entailment';
import {
  createEntailmentModel,
  labelColumns,
  type EntailmentModel,
  type EntailmentPair,
} from './entailment-model';

const PREMISE =
  'Mitochondria produce most of the energy a cell needs, through respiration. They have their own DNA.';
const SUPPORTED = 'Mitochondria produce energy.';
const UNRELATED = 'The treaty ended the war in 1648.';
const PARTLY = 'Mitochondria store starch in winter.';

const pair = (hypothesis: string, premise = PREMISE): EntailmentPair => ({ premise, hypothesis });
const sum = (p: { entailment: number; neutral: number; contradiction: number }) =>
  p.entailment + p.neutral + p.contradiction;

/** A copy of the generated NLI model whose config.json is changed by `edit`. */
async function modelCopy(
  modelsDir: string,
  edit: (config: Record<string, unknown>) => Record<string, unknown>,
) {
  const temp = await makeTempDir();
  const copy = join(temp.dir, BOW_NLI_MODEL_ID);
  await cp(join(modelsDir, BOW_NLI_MODEL_ID), copy, { recursive: true });
  const configFile = join(copy, 'config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify(edit(config)));
  return { ...temp, copy };
}

describe('createEntailmentModel (the bag-of-word-pieces NLI model, native backend)', () => {
  let modelsDir = '';
  let model: EntailmentModel;

  beforeAll(async () => {
    ({ modelsDir } = await testModels());
    model = await createEntailmentModel({
      modelId: BOW_NLI_MODEL_ID,
      localModelPath: modelsDir,
      backend: 'native',
      batchSize: 2,
    });
  });
  afterAll(() => model?.dispose());

  it('reads a sentence its source states as entailed, and an unrelated one as not', async () => {
    const [supported, unrelated, partly] = await model.score([
      pair(SUPPORTED),
      pair(UNRELATED),
      pair(PARTLY),
    ]);
    expect(supported!.entailment).toBeGreaterThan(0.9);
    // Only "the", "in" and the full stop are shared: not stated, or contradicted.
    expect(unrelated!.entailment).toBeLessThan(0.1);
    expect(unrelated!.neutral + unrelated!.contradiction).toBeGreaterThan(0.9);
    expect(partly!.entailment).toBeLessThan(supported!.entailment);
    for (const p of [supported!, unrelated!, partly!]) expect(sum(p)).toBeCloseTo(1, 5);
  });

  it("keeps each pair's probabilities in place across length-sorted batches", async () => {
    const pairs = [pair(UNRELATED), pair(SUPPORTED, 'x'), pair(SUPPORTED), pair(PARTLY)];
    const together = await model.score(pairs);
    for (const [i, p] of pairs.entries()) {
      const [alone] = await model.score([p]);
      expect(together[i]!.entailment).toBeCloseTo(alone!.entailment, 5);
    }
    expect(await model.score([])).toEqual([]);
  });

  it('cuts a premise too long for the window, never the sentence being checked', async () => {
    const short = await createEntailmentModel({
      modelId: BOW_NLI_MODEL_ID,
      localModelPath: modelsDir,
      backend: 'native',
      maxSequenceLength: 48,
    });
    try {
      // The evidence comes first; 300 words of filler after it push the sentence out of a plain cut.
      const long = `${PREMISE} ${'The river bends past the old mill and on to the sea. '.repeat(30)}`;
      const [kept] = await short.score([pair(SUPPORTED, long)]);
      expect(kept!.entailment).toBeGreaterThan(0.9);
      // A premise without a space in it (a table row, a URL) is cut between characters instead.
      const [noSpaces] = await short.score([
        pair(SUPPORTED, `Mitochondria.produce.energy.${'ab.'.repeat(500)}`),
      ]);
      expect(noSpaces!.entailment).toBeGreaterThan(0.9);
    } finally {
      await short.dispose();
    }
  });

  it('takes the label order from config.json, never from habit', async () => {
    const [original] = await model.score([pair(SUPPORTED)]);
    // The same logits, labelled in another order: the graph's column 1 now says "contradiction".
    const order = ['neutral', 'contradiction', 'entailment'];
    const { copy, dir, remove } = await modelCopy(modelsDir, (config) => ({
      ...config,
      id2label: Object.fromEntries(order.map((label, i) => [i, label])),
      label2id: Object.fromEntries(order.map((label, i) => [label, i])),
    }));
    try {
      expect(copy).toBe(join(dir, BOW_NLI_MODEL_ID));
      const reordered = await createEntailmentModel({
        modelId: BOW_NLI_MODEL_ID,
        localModelPath: dir,
        backend: 'native',
      });
      const [p] = await reordered.score([pair(SUPPORTED)]);
      await reordered.dispose();
      expect(p!.contradiction).toBeCloseTo(original!.entailment, 5);
      expect(p!.entailment).toBeCloseTo(original!.neutral, 5);
      expect(p!.neutral).toBeCloseTo(original!.contradiction, 5);
    } finally {
      await remove();
    }
  });

  it('refuses a classifier without an entailment label, saying so', async () => {
    const { dir, remove } = await modelCopy(modelsDir, (config) => ({
      ...config,
      id2label: { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' },
    }));
    try {
      const error = await createEntailmentModel({
        modelId: BOW_NLI_MODEL_ID,
        localModelPath: dir,
        backend: 'native',
      }).catch((e: unknown) => e);
      expect(isQuireError(error) && error.code).toBe('model_unavailable');
      expect((error as Error).message).toMatch(
        /is not an entailment \(NLI\) model: its config\.json labels are "LABEL_0", "LABEL_1", "LABEL_2"/,
      );
    } finally {
      await remove();
    }
  });

  it('says clearly when the model is missing', async () => {
    const error = await createEntailmentModel({
      modelId: 'quire-test/no-such-nli',
      localModelPath: modelsDir,
      backend: 'native',
    }).catch((e: unknown) => e);
    expect(isQuireError(error) && error.code).toBe('model_unavailable');
    expect((error as Error).message).toBe(
      `Entailment model not found at ${join(modelsDir, 'quire-test/no-such-nli')}; answers are checked by their words and numbers only.`,
    );
  });
});

describe('labelColumns', () => {
  it('maps labels by name in any case, a binary "not entailment" to neutral', () => {
    expect(labelColumns({ 0: 'ENTAILMENT', 1: 'NEUTRAL', 2: 'CONTRADICTION' }, 'm')).toEqual({
      entailment: [0],
      neutral: [1],
      contradiction: [2],
      count: 3,
    });
    expect(labelColumns({ 0: 'entailment', 1: 'not_entailment' }, 'm')).toMatchObject({
      entailment: [0],
      neutral: [1],
      contradiction: [],
      count: 2,
    });
    expect(() => labelColumns(undefined, '/m')).toThrow(/labels are missing/);
    expect(() => labelColumns({ 0: 'entailment', 2: 'neutral' }, '/m')).toThrow(/numbered from 0/);
  });
});

describe('createEntailmentChecker (through the worker pool)', () => {
  let modelsDir = '';
  let pool: WorkerPool;

  beforeAll(async () => {
    ({ modelsDir } = await testModels());
    pool = new WorkerPool({
      size: 1,
      config: {
        embeddingModel: BOW_MODEL_ID,
        modelDir: null,
        backend: 'native',
        threads: 1,
        batchSize: 8,
        maxTokens: 256,
        overlapTokens: 32,
        maxBytes: 1_000_000,
      },
    });
  });
  afterAll(() => pool?.close());

  const checker = (searchDirs: readonly string[], over: Partial<RetrievalSettings> = {}) => {
    const settings = RetrievalSettingsSchema.parse({ entailmentModel: BOW_NLI_MODEL_ID, ...over });
    return createEntailmentChecker({ pool, settings: () => settings, modelSearchDirs: searchDirs });
  };

  it('scores pairs in a worker, and is on by default once the model is there', async () => {
    const nli = checker(['/nowhere', modelsDir]);
    expect(nli.status()).toEqual({
      enabled: true,
      available: true,
      active: true,
      installed: true,
      modelId: BOW_NLI_MODEL_ID,
      modelPath: join(modelsDir, BOW_NLI_MODEL_ID),
      notice: null,
    });
    const scores = await nli.score([pair(SUPPORTED), pair(UNRELATED)]);
    expect(scores).toHaveLength(2);
    expect(scores![0]!.entailment).toBeGreaterThan(0.9);
    expect(scores![1]!.entailment).toBeLessThan(0.1);
    expect(await nli.score([])).toEqual([]);
  });

  it('answers null when switched off or aborted, without asking a worker', async () => {
    const off = checker([modelsDir], { entailment: false });
    expect(off.status()).toMatchObject({ enabled: false, available: true, active: false });
    expect(await off.score([pair(SUPPORTED)])).toBeNull();
    const aborted = new AbortController();
    aborted.abort();
    expect(await checker([modelsDir]).score([pair(SUPPORTED)], aborted.signal)).toBeNull();
  });

  it('is unavailable when the model is missing, naming the folder; score resolves null', async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const nli = checker([dir], { entailmentModel: 'Xenova/nli-deberta-v3-xsmall' });
      const status = nli.status();
      expect(status).toMatchObject({ enabled: true, available: false, active: false });
      expect(status.installed).toBe(false);
      expect(status.notice).toBe(
        `Entailment model not found at ${join(dir, 'Xenova/nli-deberta-v3-xsmall', 'onnx/model.onnx')}; ` +
          'answers are checked by their words and numbers only.',
      );
      expect(await nli.score([pair(SUPPORTED)])).toBeNull();
      expect(checker([]).status().notice).toMatch(/no model folder is configured/);
    } finally {
      await remove();
    }
  });

  it('turns a corrupt model file into a clear notice for a minute; the worker lives on', async () => {
    const { dir, copy, remove } = await modelCopy(modelsDir, (config) => config);
    try {
      await writeFile(join(copy, 'onnx', 'model.onnx'), 'not a model');
      const broken = checker([dir]);
      expect(broken.status().available).toBe(true);
      expect(await broken.score([pair(SUPPORTED)])).toBeNull();
      const status = broken.status();
      expect(status).toMatchObject({ available: false, active: false, installed: true });
      expect(status.notice).toBe(
        `The entailment model at ${copy} could not be loaded; answers are checked by their words and numbers only.`,
      );
      // The same worker still answers with a sound model.
      const sound = await checker([modelsDir]).score([pair(SUPPORTED)]);
      expect(sound![0]!.entailment).toBeGreaterThan(0.9);
    } finally {
      await remove();
    }
  });
});

describe('the core wiring', () => {
  it('offers the checker as core.entailment and its status in the settings view', async () => {
    const { dir, remove } = await makeTempDir();
    const core = await makeTestCore(join(dir, 'data'), { startIndexing: false });
    try {
      const client = createInMemoryTransport(core.dispatch);
      // The default model is not among the test models: on, but not installed.
      const before = await client.invoke('settings.get', {});
      if (!before.ok) throw new Error(before.error.message);
      expect(before.value.entailment).toMatchObject({
        enabled: true,
        available: false,
        installed: false,
        modelId: 'Xenova/nli-deberta-v3-xsmall',
      });
      const models = await client.invoke('models.status', {});
      if (!models.ok) throw new Error(models.error.message);
      expect(models.value.models.map((m) => m.kind)).toEqual([
        'embedding',
        'reranker',
        'entailment',
      ]);
      expect(await core.entailment.score([pair(SUPPORTED)])).toBeNull();

      const current = core.settings.get();
      core.settings.update({
        ...current,
        retrieval: { ...current.retrieval, entailmentModel: BOW_NLI_MODEL_ID },
      });
      expect(core.entailment.status().active).toBe(true);
      const scores = await core.entailment.score([pair(SUPPORTED)]);
      expect(scores![0]!.entailment).toBeGreaterThan(0.9);
      client.close();
    } finally {
      await core.close();
      await remove();
    }
  }, 60_000);
});
