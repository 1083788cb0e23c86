// Fixtures shared by the store and retrieval tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkInput } from '../../electron/core/store/schema';

export async function tempDir(
  prefix = 'quire-store-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function makeChunk(
  ordinal: number,
  text: string,
  vector: Float32Array | null = null,
): ChunkInput {
  return {
    ordinal,
    text,
    pageStart: null,
    pageEnd: null,
    charStart: ordinal * 100,
    charEnd: ordinal * 100 + text.length,
    headingPath: ['Intro', `Part ${ordinal}`],
    tokens: text.split(/\s+/).length,
    vector,
  };
}

export function makeChunks(count: number, text: (i: number) => string): ChunkInput[] {
  return Array.from({ length: count }, (_, i) => makeChunk(i, text(i)));
}

/** A unit vector along `axis`, optionally blended with a second axis. */
export function axisVector(
  dims: number,
  axis: number,
  other?: { axis: number; weight: number },
): Float32Array {
  const v = new Float32Array(dims);
  v[axis % dims] = 1;
  if (other) v[other.axis % dims] = (v[other.axis % dims] ?? 0) + other.weight;
  return v;
}
