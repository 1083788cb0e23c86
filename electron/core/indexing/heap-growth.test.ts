import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth';

describe('the heap growth bound', () => {
  it('caps how far the heaps grow past what is alive', () => {
    expect(heapGrowthFlag(['/usr/bin/node', 'out/quire-cli.mjs', 'serve'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it("keeps the flag a process was started with (node's own, or Electron's --js-flags)", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=80', 'main.js'])).toBeNull();
    expect(heapGrowthFlag(['quire', '--js-flags=--heap_growing_percent=50'])).toBeNull();
  });
});
