import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbedder, type Embedder } from '../embedding/embedder';
import { BOW, testModels } from '../../../test/helpers/embedding-fixtures';
import { EmbedBatcher } from './embed-batcher';

let embedder: Embedder;
beforeAll(async () => {
  const { modelsDir } = await testModels();
  embedder = await createEmbedder({ modelId: BOW, localModelPath: modelsDir, backend: 'native' });
});
afterAll(() => embedder?.dispose());

/** The embedder, recording the texts of every batch it is given. */
function recording(batches: string[][]): Embedder {
  return {
    ...embedder,
    embed: (texts) => {
      batches.push(texts);
      return embedder.embed(texts);
    },
  };
}

const long = (doc: number) =>
  `Document ${doc} opens with a long passage about rivers, valleys, glaciers and the sea.`;
const short = (doc: number) => `Tail ${doc}.`;

it('batches chunks of similar length from documents on their way, and keeps each vector in place', async () => {
  const batches: string[][] = [];
  const batcher = new EmbedBatcher(recording(batches), 4);
  // Four documents are being parsed; each brings a long chunk and a short last one.
  const handedIn = [0, 1, 2, 3].map(() => batcher.expect());
  const jobs = [0, 1, 2, 3].map((doc) => {
    const texts = [long(doc), short(doc)];
    const vectors = batcher.embed(texts);
    handedIn[doc]!();
    return { texts, vectors };
  });
  for (const { texts, vectors } of jobs) {
    expect(Array.from(await vectors)).toEqual(Array.from(await embedder.embed(texts)));
  }
  // First come, first served would pair each long chunk with a short one: [L, S, L, S] twice.
  expect(batches.map((batch) => batch.map((t) => (t.startsWith('Tail') ? 'S' : 'L')))).toEqual([
    ['L', 'L', 'L', 'L'],
    ['S', 'S', 'S', 'S'],
  ]);
});

it('a query goes first, without waiting for documents still being parsed', async () => {
  const batches: string[][] = [];
  const batcher = new EmbedBatcher(recording(batches), 4);
  const parsing = batcher.expect(); // never handed in during this test
  const query = await batcher.embed(['where do rivers meet the sea'], undefined, true);
  expect(query.length).toBe(embedder.dims);
  expect(batches).toEqual([['where do rivers meet the sea']]);
  parsing();
});
