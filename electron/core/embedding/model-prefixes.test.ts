import { describe, expect, it } from 'vitest';
import { withEmbedPrefix } from './model-prefixes';

describe('withEmbedPrefix', () => {
  it('adds E5 query and passage prefixes', () => {
    expect(withEmbedPrefix('Xenova/multilingual-e5-small', 'query', ['機械学習'])).toEqual([
      'query: 機械学習',
    ]);
    expect(withEmbedPrefix('Xenova/multilingual-e5-small', 'passage', ['a', 'b'])).toEqual([
      'passage: a',
      'passage: b',
    ]);
    expect(withEmbedPrefix('Xenova/multilingual-e5-base', 'query', ['x'])).toEqual(['query: x']);
    expect(withEmbedPrefix('Xenova/e5-small-v2', 'passage', ['x'])).toEqual(['passage: x']);
  });

  it("puts BGE's instruction before searches only, as its authors advise", () => {
    expect(withEmbedPrefix('Xenova/bge-small-en-v1.5', 'query', ['what is RRF?'])).toEqual([
      'Represent this sentence for searching relevant passages: what is RRF?',
    ]);
    expect(withEmbedPrefix('Xenova/bge-base-en-v1.5', 'passage', ['a passage'])).toEqual([
      'a passage',
    ]);
  });

  it('leaves other models alone', () => {
    expect(withEmbedPrefix('Xenova/all-MiniLM-L6-v2', 'query', ['x'])).toEqual(['x']);
    expect(withEmbedPrefix('quire-test/bow', 'passage', ['x'])).toEqual(['x']);
  });
});
