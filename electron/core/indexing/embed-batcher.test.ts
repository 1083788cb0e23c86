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
  const query = await batcher.embed(['where do rivers meet the sea'], { urgent: true });
  expect(query.length).toBe(embedder.dims);
  expect(batches).toEqual([['where do rivers meet the sea']]);
  parsing();
});

it('groups by token counts when the caller gives them, not by characters', async () => {
  const batches: string[][] = [];
  const batcher = new EmbedBatcher(recording(batches), 2);
  const handedIn = [0, 1].map(() => batcher.expect());
  // Characters say the two long strings go together; tokens say each goes with a short one.
  const texts = [
    ['x'.repeat(60), 'Tail 0.'],
    ['y'.repeat(60), 'Tail 1.'],
  ];
  const tokenCounts = [
    [3, 40],
    [40, 3],
  ];
  const jobs = texts.map((t, doc) => {
    const vectors = batcher.embed(t, { tokenCounts: tokenCounts[doc] });
    handedIn[doc]!();
    return vectors;
  });
  await Promise.all(jobs);
  const sorted = batches.map((batch) => [...batch].sort());
  expect(sorted).toContainEqual(['Tail 0.', 'y'.repeat(60)]);
  expect(sorted).toContainEqual(['Tail 1.', 'x'.repeat(60)]);
});

it('refuses token counts that do not match the texts', () => {
  const batcher = new EmbedBatcher(embedder, 2);
  expect(() => batcher.embed(['a', 'b'], { tokenCounts: [1] })).toThrow(/one count per text/);
});
