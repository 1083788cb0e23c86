import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQuireError } from '../../../shared/errors';
import { BOW_RERANKER_MODEL_ID } from '../../../scripts/make-test-models';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { createReranker, rerankerStatus, rerankOrder, type Reranker } from './reranker';

const QUERY = 'How do mitochondria produce energy for the cell?';
const SHARES_WORDS = 'Mitochondria produce the energy that a cell needs.';
const UNRELATED = 'The treaty ended the war between the two kingdoms in 1648.';
const PARTLY = 'Plant cells store energy as starch.';

describe('createReranker (the bag-of-word-pieces cross-encoder, native backend)', () => {
  let modelsDir = '';
  let reranker: Reranker;

  beforeAll(async () => {
    ({ modelsDir } = await testModels());
    reranker = await createReranker({
      modelId: BOW_RERANKER_MODEL_ID,
      localModelPath: modelsDir,
      backend: 'native',
      batchSize: 2,
    });
  });
  afterAll(() => reranker?.dispose());

  it('scores the passage that shares the query word-pieces highest, whatever its position', async () => {
    const passages = [UNRELATED, PARTLY, SHARES_WORDS];
    const scores = await reranker.score(QUERY, passages);
    expect(scores).toHaveLength(3);
    expect(rerankOrder(scores)[0]).toBe(2);
    expect(scores[2]!).toBeGreaterThan(Math.max(scores[0]!, scores[1]!) + 1);
  });

  it('keeps each score at its passage across length-sorted batches', async () => {
    const passages = [SHARES_WORDS, 'x', UNRELATED, PARTLY, `${UNRELATED} ${UNRELATED}`];
    const together = await reranker.score(QUERY, passages);
    for (const [i, passage] of passages.entries()) {
      const [alone] = await reranker.score(QUERY, [passage]);
      expect(together[i]).toBeCloseTo(alone!, 4);
    }
    expect((await reranker.score(QUERY, [])).length).toBe(0);
  });

  it('says clearly when the model is missing', async () => {
    const error = await createReranker({
      modelId: 'quire-test/no-such-reranker',
      localModelPath: modelsDir,
      backend: 'native',
    }).catch((e: unknown) => e);
    expect(isQuireError(error) && error.code).toBe('model_unavailable');
    expect((error as Error).message).toMatch(
      /^Reranker model not found at .*no-such-reranker; reranking is off\.$/,
    );
  });

  it('says the files are damaged when they are present but do not load', async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const copy = join(dir, BOW_RERANKER_MODEL_ID);
      await mkdir(copy, { recursive: true });
      await cp(join(modelsDir, BOW_RERANKER_MODEL_ID), copy, { recursive: true });
      await writeFile(join(copy, 'onnx', 'model.onnx'), 'not a model');
      const error = await createReranker({
        modelId: BOW_RERANKER_MODEL_ID,
        localModelPath: dir,
        backend: 'native',
      }).catch((e: unknown) => e);
      expect(isQuireError(error) && error.code).toBe('model_unavailable');
      expect((error as Error).message).toMatch(/could not be loaded; reranking is off/);
    } finally {
      await remove();
    }
  });
});

describe('rerankOrder', () => {
  it('sorts best first and keeps the fused order on ties', () => {
    expect(rerankOrder([0.1, 0.5, 0.5, -2, 3])).toEqual([4, 1, 2, 0, 3]);
    expect(rerankOrder([])).toEqual([]);
  });
});

describe('rerankerStatus', () => {
  it('is active only when switched on and the model is in a search folder', async () => {
    const { modelsDir } = await testModels();
    const on = rerankerStatus({
      enabled: true,
      modelId: BOW_RERANKER_MODEL_ID,
      searchDirs: ['/nowhere', modelsDir],
    });
    expect(on).toEqual({
      enabled: true,
      available: true,
      active: true,
      modelId: BOW_RERANKER_MODEL_ID,
      modelPath: join(modelsDir, BOW_RERANKER_MODEL_ID),
      notice: null,
    });
    const off = rerankerStatus({
      enabled: false,
      modelId: BOW_RERANKER_MODEL_ID,
      searchDirs: [modelsDir],
    });
    expect([off.available, off.active]).toEqual([true, false]);
  });

  it('explains where the missing model was expected, and that reranking is off', () => {
    const status = rerankerStatus({
      enabled: true,
      modelId: 'Xenova/ms-marco-MiniLM-L-6-v2',
      searchDirs: ['/data/models', '/app/models'],
    });
    expect(status).toMatchObject({ enabled: true, available: false, active: false });
    expect(status.notice).toBe(
      'Reranker model not found at /data/models/Xenova/ms-marco-MiniLM-L-6-v2/onnx/model.onnx; reranking is off.',
    );
  });

  it('reports a load failure as the reason, and a bad model id as not found', async () => {
    const { modelsDir } = await testModels();
    const failed = rerankerStatus({
      enabled: true,
      modelId: BOW_RERANKER_MODEL_ID,
      searchDirs: [modelsDir],
      loadError: 'The reranker model could not be loaded; reranking is off.',
    });
    expect(failed).toMatchObject({ available: false, active: false });
    expect(failed.notice).toBe('The reranker model could not be loaded; reranking is off.');
    const noFolders = rerankerStatus({ enabled: true, modelId: 'x', searchDirs: [] });
    expect(noFolders.notice).toMatch(/no model folder is configured/);
    const invalid = rerankerStatus({ enabled: true, modelId: '../../etc', searchDirs: ['/m'] });
    expect([invalid.available, invalid.active]).toEqual([false, false]);
  });
});
