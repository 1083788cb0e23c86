import { describe, expect, it } from 'vitest';
import { totalsLine } from './DocumentRow';

describe('the library totals', () => {
  it('agree in number: 1 passage, 2 passages', () => {
    expect(totalsLine({ documents: 1, chunks: 1, indexing: 0, failed: 0 })).toBe(
      '1 document · 1 passage',
    );
    expect(totalsLine({ documents: 2, chunks: 1204, indexing: 1, failed: 0 })).toBe(
      '2 documents · 1,204 passages · 1 indexing',
    );
  });
});
