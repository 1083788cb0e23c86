import { describe, expect, it } from 'vitest';
import { meanPoolNormalize } from './mean-pool';

describe('meanPoolNormalize', () => {
  it('averages attended tokens only, normalizes, and writes rows where told', () => {
    // batch 2, seq 3, dims 2; the second text has one padding token.
    const hidden = new Float32Array([3, 0, 1, 0, 2, 0, 0, 1, 0, 3, 9, 9]);
    const mask = new BigInt64Array([1n, 1n, 1n, 1n, 1n, 0n]);
    const out = new Float32Array(4);
    meanPoolNormalize(hidden, mask, { batch: 2, seq: 3, dims: 2 }, out, [1, 0]);
    expect(Array.from(out.subarray(2))).toEqual([1, 0]); // text 0 lands in row 1
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 1]); // the 9s were padding
  });

  it('gives a zero vector, not NaN, when nothing is attended', () => {
    const out = new Float32Array(2).fill(7);
    meanPoolNormalize(new Float32Array([1, 2]), [0], { batch: 1, seq: 1, dims: 2 }, out, [0]);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});
