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
  });

  it('leaves other models alone', () => {
    expect(withEmbedPrefix('Xenova/all-MiniLM-L6-v2', 'query', ['x'])).toEqual(['x']);
  });
});
