import { describe, expect, it } from 'vitest';
import { clsPoolNormalize } from './cls-pool';

describe('clsPoolNormalize', () => {
  it("takes each text's first token, normalizes it, and writes rows where told", () => {
    // batch 2, seq 2, dims 2: the [CLS] vectors are (3, 4) and (0, 2).
    const hidden = new Float32Array([3, 4, 9, 9, 0, 2, 9, 9]);
    const out = new Float32Array(4);
    clsPoolNormalize(hidden, { batch: 2, seq: 2, dims: 2 }, out, [1, 0]);
    expect(Array.from(out.subarray(2))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 1]);
  });

  it('gives a zero vector, not NaN, for a zero [CLS] state', () => {
    const out = new Float32Array(2).fill(7);
    clsPoolNormalize(new Float32Array([0, 0]), { batch: 1, seq: 1, dims: 2 }, out, [0]);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});
