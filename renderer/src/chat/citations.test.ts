import { describe, expect, it } from 'vitest';
import { citedNumbers, remarkCitations, splitCitations } from './citations';

describe('splitCitations', () => {
  it('splits [n] and [n, m] markers', () => {
    expect(splitCitations('Yes [1]. Also [2, 3]!', 3)).toEqual([
      { kind: 'text', value: 'Yes ' },
      { kind: 'cite', n: 1 },
      { kind: 'text', value: '. Also ' },
      { kind: 'cite', n: 2 },
      { kind: 'cite', n: 3 },
      { kind: 'text', value: '!' },
    ]);
  });

  it('leaves numbers without a source, and other brackets, as text', () => {
    expect(splitCitations('See [4] and [a] and [0]', 3)).toEqual([
      { kind: 'text', value: 'See [4] and [a] and [0]' },
    ]);
    expect(citedNumbers('[2][1][2]', 2)).toEqual([2, 1]);
  });
});

describe('remarkCitations', () => {
  it('turns markers in prose into cite elements, and leaves code alone', () => {
    const tree = {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'Fact [1] here' },
            { type: 'inlineCode', value: 'a[1]' },
          ],
        },
        { type: 'code', value: 'x = y[1]' },
      ],
    };
    remarkCitations({ max: 2 })(tree);
    const para = tree.children[0] as { children: { type: string; value?: string }[] };
    expect(para.children.map((c) => c.type)).toEqual(['text', 'citation', 'text', 'inlineCode']);
    expect((tree.children[1] as { value: string }).value).toBe('x = y[1]');
  });
});
