// The reranker wired end to end: real LanceDB, the real worker pool, the generated cross-encoder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { BOW_RERANKER_MODEL_ID } from '../../../scripts/make-test-models';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

const QUERY = 'glacier melt river';
// Full text (BM25) favours the short passage with the rare word "glacier"; the cross-encoder
// favours the one that repeats two of the three query words.
const CORPUS: Record<string, string> = {
  'rare-word.md': 'Glacier ice.',
  'shared-words.md': 'Spring melt swells the river; the river carries melt downstream.',
  ...Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      `filler-${i}.md`,
      i % 2 === 0
        ? `The river bends past town number ${i}, where boats unload grain and timber.`
        : `Snow melt in district ${i} fills the reservoirs that farmers rely on in summer.`,
    ]),
  ),
};

function writeCorpus(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(CORPUS).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${text}\n`);
    return file;
  });
}

async function setReranker(core: QuireCore, reranker: boolean) {
  const current = core.settings.get();
  core.settings.update({ ...current, retrieval: { ...current.retrieval, reranker } });
}

/** Sends a question in search mode and returns the step labels and the sources' titles. */
async function ask(core: QuireCore, text: string) {
  const client = createInMemoryTransport(core.dispatch);
  const sent = await client.invoke('chat.send', { text });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 30_000);
  client.close();
  const steps = events.flatMap((e) =>
    e.type === 'step' ? [`${e.data.step}:${e.data.status}`] : [],
  );
  const sources = events.flatMap((e) => (e.type === 'message.sources' ? e.data.sources : []));
  return { steps, sources };
}

describe('reranking with the model present', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore;

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    core = await makeTestCore(path.join(dir, 'data'), { rerankerModel: BOW_RERANKER_MODEL_ID });
    await core.library.add(writeCorpus(path.join(dir, 'docs')));
    await core.library.whenIdle();
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    await remove?.();
  });

  it('puts the passage that shares the query words first, though full text ranked it lower', async () => {
    const plain = await core.retriever.search(QUERY, { mode: 'text', k: 5 });
    const titles = plain.hits.map((h) => h.title);
    expect(titles[0]).toBe('rare-word.md');
    expect(titles.indexOf('shared-words.md')).toBeGreaterThan(0);
    expect(plain.reranked).toBe(false);
    expect(plain.hits.every((h) => h.rerankScore === null)).toBe(true);

    const reranked = await core.retriever.search(QUERY, { mode: 'text', k: 5, rerank: true });
    expect(reranked.reranked).toBe(true);
    expect(reranked.rerankNote).toBeNull();
    expect(reranked.hits).toHaveLength(Math.min(5, plain.hits.length));
    expect(reranked.hits[0]!.title).toBe('shared-words.md');
    // Each hit keeps its fused score beside the cross-encoder's, best reranked first.
    const scores = reranked.hits.map((h) => h.rerankScore!);
    expect(scores.every(Number.isFinite)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(reranked.hits.every((h) => h.score > 0)).toBe(true);
  });

  it('reranks more candidates than it keeps, so a passage from below the top k can rise', async () => {
    const top1 = await core.retriever.search(QUERY, { mode: 'text', k: 1 });
    expect(top1.hits.map((h) => h.title)).toEqual(['rare-word.md']);
    const reranked = await core.retriever.search(QUERY, { mode: 'text', k: 1, rerank: true });
    expect(reranked.hits.map((h) => h.title)).toEqual(['shared-words.md']);
  });

  it('shows the reranking step in chat when switched on, and not when off', async () => {
    await setReranker(core, true);
    const on = await ask(core, QUERY);
    expect(on.steps).toEqual([
      'understand:running',
      'understand:done',
      'search:running',
      'search:done',
      'rerank:running',
      'rerank:done',
    ]);
    expect(on.sources[0]!.rerankScore).toEqual(expect.any(Number));

    await setReranker(core, false);
    const off = await ask(core, QUERY);
    expect(off.steps).not.toContain('rerank:running');
    expect(off.sources.every((s) => s.rerankScore == null)).toBe(true);
  });

  it('reports the reranker as active in the settings view', async () => {
    await setReranker(core, true);
    const client = createInMemoryTransport(core.dispatch);
    const view = await client.invoke('settings.get', {});
    client.close();
    if (!view.ok) throw new Error(view.error.message);
    expect(view.value.reranker).toMatchObject({
      enabled: true,
      available: true,
      active: true,
      notice: null,
    });
  });
});

describe('reranking switched on with its model absent', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore;

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    // The default model (Xenova/ms-marco-MiniLM-L-6-v2) is not in the test models folder.
    core = await makeTestCore(path.join(dir, 'data'));
    await core.library.add(writeCorpus(path.join(dir, 'docs')));
    await core.library.whenIdle();
    await setReranker(core, true);
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    await remove?.();
  });

  it('is off, says why and where, and search still answers', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const view = await client.invoke('settings.get', {});
    client.close();
    if (!view.ok) throw new Error(view.error.message);
    const status = view.value.reranker!;
    expect(status).toMatchObject({ enabled: true, available: false, active: false });
    expect(status.modelId).toBe('Xenova/ms-marco-MiniLM-L-6-v2');
    expect(status.notice).toBe(
      `Reranker model not found at ${path.join(status.modelPath!, 'onnx', 'model.onnx')}; reranking is off.`,
    );

    const result = await core.retriever.search(QUERY, { rerank: true, k: 3 });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.reranked).toBe(false);
    expect(result.rerankNote).toBe(status.notice);
  });

  it('answers in chat without a reranking step and without an error', async () => {
    const { steps, sources } = await ask(core, QUERY);
    expect(steps).not.toContain('rerank:running');
    expect(steps).not.toContain('search:error');
    expect(sources.length).toBeGreaterThan(0);
  });
});
