import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDING_MODEL_CATALOG } from '../../../shared/embedding-catalog';
import {
  BOW_MODEL_ID,
  MINILM_SHAPE_MODEL_ID,
  testModels,
} from '../../../test/helpers/embedding-fixtures';
import { writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { repoFromFolder, startTestHub } from '../../../test/helpers/test-hub-server';
import { createQuireCore, type QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const quiet = { error: () => {}, warn: () => {} };

let models: Awaited<ReturnType<typeof testModels>>;
let dir = '';
let remove: () => Promise<void> = async () => {};
let hub: Awaited<ReturnType<typeof startTestHub>> | null = null;
let core: QuireCore | null = null;

beforeAll(async () => {
  models = await testModels();
});
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-embedding-models-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await hub?.close();
  hub = null;
  await remove();
});

async function catalogOf(c: QuireCore) {
  const result = await createInMemoryTransport(c.dispatch).invoke('models.embeddingCatalog', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('the embedding catalogue on this machine', () => {
  it('lists every catalogue model with its sourced figures, and where a download would go', async () => {
    core = await createQuireCore(
      { dataDir: path.join(dir, 'data'), transport: 'memory', poolSize: 1, logger: quiet },
      { keychain: false },
    );
    const catalog = await catalogOf(core);
    expect(catalog.models.map((m) => m.id)).toEqual(EMBEDDING_MODEL_CATALOG.map((e) => e.id));
    expect(catalog.inUseId).toBe('Xenova/all-MiniLM-L6-v2');
    expect(catalog.other).toBeNull();
    expect(catalog.measuring).toEqual([]);
    for (const model of catalog.models) {
      expect(model).toMatchObject({ present: false, speed: null });
      expect(model.inUse).toBe(model.id === 'Xenova/all-MiniLM-L6-v2');
      expect(model.path).toBe(path.join(dir, 'data', 'models', model.id));
      expect(model.quality.every((q) => q.source.startsWith('https://'))).toBe(true);
    }
    // A model that is not here cannot be measured, and the answer says where Quire looked.
    const client = createInMemoryTransport(core.dispatch);
    const missing = await client.invoke('models.measureEmbeddingSpeed', {
      id: 'Xenova/bge-small-en-v1.5',
    });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.code).toBe('model_unavailable');
      expect(missing.error.message).toContain(path.join(dir, 'data', 'models'));
    }
  });

  it('measures a model when its download is done, once indexing is idle, and shows the figure', async () => {
    // MiniLM's shape: the width a fresh library expects, so the download is used without a restart.
    hub = await startTestHub({ [MINILM_SHAPE_MODEL_ID]: repoFromFolder(models.minilmDir) });
    core = await createQuireCore(
      {
        dataDir: path.join(dir, 'data'),
        transport: 'memory',
        embeddingModel: MINILM_SHAPE_MODEL_ID,
        embeddingBackend: 'native',
        poolSize: 1,
        modelHub: hub.url,
        logger: quiet,
      },
      { keychain: false },
    );
    await core.library.add(writeNotes(path.join(dir, 'notes'), 3));
    await core.library.whenIdle();
    expect((await catalogOf(core)).other).toEqual({
      id: MINILM_SHAPE_MODEL_ID,
      present: false,
      speed: null,
    });

    core.downloads.start('embedding');
    expect((await core.downloads.settled('embedding'))?.state).toBe('done');
    const c = core;
    let speed = null as Awaited<ReturnType<typeof catalogOf>>['models'][number]['speed'];
    await waitFor(() => {
      void catalogOf(c).then((catalog) => (speed = catalog.other?.speed ?? null));
      return speed !== null;
    }, 60_000);
    expect(speed).toMatchObject({
      modelId: MINILM_SHAPE_MODEL_ID,
      backend: 'native',
      passages: 200,
    });
    // The notes waiting for vectors got them: the measurement waited for that work.
    expect(core.library.documents().every((d) => !d.vectorsPending)).toBe(true);
    expect((await catalogOf(core)).measuring).toEqual([]);
  });
});

describe('quire models list and speed', () => {
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'models',
      ...args,
      '--data',
      path.join(dir, 'data'),
      '--model-dir',
      models.modelsDir,
      '--embedding-model',
      BOW_MODEL_ID,
    ]);
    return stdout;
  };
  type Row = {
    kind: string;
    id: string;
    recommended?: boolean;
    reason?: string;
    downloadMegabytes?: number;
    speed: { passagesPerSecond: number; dtype: string } | null;
    quality?: { label: string; value: number; source: string }[];
  };
  const rows = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);

  it('--json lists chat and embedding models by kind, with sources; speed measures and keeps a figure', async () => {
    const before = rows(await run('list', '--json'));
    expect(before.filter((r) => r.kind === 'chat').length).toBeGreaterThan(0);
    const embedding = before.filter((r) => r.kind === 'embedding');
    expect(embedding.map((r) => r.id)).toEqual(EMBEDDING_MODEL_CATALOG.map((e) => e.id));
    expect(embedding.filter((r) => r.recommended)).toHaveLength(1);
    expect(embedding.find((r) => r.recommended)?.reason).toMatch(/download\.$/);
    for (const row of embedding) {
      expect(row.speed).toBeNull();
      expect(row.downloadMegabytes).toBeGreaterThan(20);
      for (const q of row.quality ?? []) expect(q.source).toMatch(/^https:\/\//);
    }
    expect(before.find((r) => r.kind === 'embedding-other')).toMatchObject({
      id: BOW_MODEL_ID,
      present: true,
      speed: null,
    });

    const measured = rows(await run('speed', MINILM_SHAPE_MODEL_ID, '--json'));
    expect(measured).toHaveLength(1);
    expect(measured[0]).toMatchObject({ modelId: MINILM_SHAPE_MODEL_ID, passages: 200 });

    // The in-use model by default; the text output names the figure and where it is kept.
    const text = await run('speed');
    expect(text).toMatch(/quire-test\/bow: [\d,.]+ passages\/s \([\d,.]+ tokens\/s\), native/);
    const listed = await run('list');
    expect(listed).toContain('Embedding models');
    expect(listed).toMatch(/In use: quire-test\/bow .*Speed here: [\d,.]+ passages\/s/);
    expect(listed).toContain('Speed here: not measured yet (quire models speed all-MiniLM-L6-v2)');
    expect(listed).toContain('MTEB SciFact nDCG@10 64.51  https://github.com/');
  });
});
