import { describe, expect, it } from 'vitest';
import { SettingsSchema, type Settings } from '../../../shared/settings';
import { indexerStartFrom, pendingRestart, threadsPerWorker, workerConfig } from './indexer-setup';

const saved = (patch: Partial<Settings['retrieval']> = {}, ocr = true): Settings => {
  const base = SettingsSchema.parse({});
  return { ...base, retrieval: { ...base.retrieval, ...patch }, indexing: { maxFileMb: 200, ocr } };
};
const log = () => {};

describe('the indexer setup', () => {
  it("reads the embedding weights setting ('auto' in older files), which waits for a restart unless flagged", () => {
    const older = SettingsSchema.parse({ retrieval: { embeddingModel: 'quire-test/bow' } });
    expect(older.retrieval.embeddingDtype).toBe('auto');
    const start = indexerStartFrom(saved(), { dataDir: '/d', log });
    expect(start.embeddingDtype).toBe('auto');
    expect(pendingRestart(start, saved({ embeddingDtype: 'fp32' }), {})).toEqual([
      'embedding precision',
    ]);
    const flagged = indexerStartFrom(saved(), { dataDir: '/d', log, embeddingDtype: 'q8' });
    expect(flagged.embeddingDtype).toBe('q8');
    expect(
      pendingRestart(flagged, saved({ embeddingDtype: 'fp32' }), { embeddingDtype: 'q8' }),
    ).toEqual([]);
    // The workers get the preference and resolve it where the model loads.
    const config = workerConfig(flagged, { modelId: 'm', modelDir: '/models' }, 'native', 1, {
      dataDir: '/d',
    });
    expect(config.dtype).toBe('q8');
  });

  it('starts from settings, and a flag wins over them', () => {
    expect(indexerStartFrom(saved({ chunkTokens: 512 }), { dataDir: '/d', log })).toEqual({
      embeddingModel: 'Xenova/all-MiniLM-L6-v2',
      embeddingBackend: 'auto',
      embeddingDtype: 'auto',
      chunkTokens: 512,
      maxFileMb: 200,
      ocr: true,
    });
    const flagged = indexerStartFrom(saved(), {
      dataDir: '/d',
      log,
      embeddingModel: 'quire-test/bow',
      embeddingBackend: 'wasm',
    });
    expect(flagged).toMatchObject({ embeddingModel: 'quire-test/bow', embeddingBackend: 'wasm' });
  });

  it('names each saved setting that waits for a restart; the embedding model switches instead', () => {
    const start = indexerStartFrom(saved(), { dataDir: '/d', log });
    expect(pendingRestart(start, saved(), {})).toEqual([]);
    const changed = saved({ embeddingModel: 'other/model', chunkTokens: 128 }, false);
    expect(pendingRestart(start, changed, {})).toEqual(['chunk size', 'OCR setting']);
  });

  it("starts with the library's recorded model over the one settings name, and a flag over both", () => {
    const recorded = { dataDir: '/d', log, libraryModel: 'quire-test/minilm-shape' };
    expect(indexerStartFrom(saved(), recorded).embeddingModel).toBe('quire-test/minilm-shape');
    expect(
      indexerStartFrom(saved(), { ...recorded, embeddingModel: 'quire-test/bow' }).embeddingModel,
    ).toBe('quire-test/bow');
  });

  it('shares the cores between workers and derives overlap and size limits from settings', () => {
    expect(threadsPerWorker(3, 8)).toBe(2);
    expect(threadsPerWorker(4, 2)).toBe(1);
    const start = indexerStartFrom(saved({ chunkTokens: 256 }), { dataDir: '/d', log });
    const config = workerConfig(start, { modelId: 'm', modelDir: '/models' }, 'wasm', 1, {
      dataDir: '/d',
      indexing: { batchSize: 4 },
    });
    expect(config).toMatchObject({
      embeddingModel: 'm',
      modelDir: '/models',
      backend: 'wasm',
      maxTokens: 256,
      overlapTokens: 32,
      maxBytes: 200 * 1024 * 1024,
      batchSize: 4,
      ocr: { enabled: true },
    });
  });
});
