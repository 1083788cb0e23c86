// How far V8 lets this process's JavaScript heaps grow past what is alive before it collects.
import v8 from 'node:v8';

/**
 * V8 lets the old generation grow to up to 4× what survived the last full collection when the
 * machine has memory to spare. While a library is indexed, the coordinating thread turns every
 * chunk into rows, Arrow buffers, journal lines and events; nearly all of it is garbage at
 * once, but it piles up to that limit. Indexing 190,383 chunks (bench:library, 20,732
 * documents) held about 120 MB of live objects in a heap of up to 350 MB; at 50 % it stayed
 * under 170 MB, and peak RSS fell from 1,112 to 831 MB (medians of 3) together with the
 * read-ahead bound (store/lance-runtime.ts). 30 % saved a little more and cost more GC time; the
 * default's 4× is what the issue measured. V8 flags are process-wide, so the workers' heaps
 * are held to the same factor.
 */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = /--heap[-_]growing[-_]percent/;

/**
 * The flag to set, or null when the process was started with its own (node's command line,
 * Electron's --js-flags): an explicit choice wins.
 */
export function heapGrowthFlag(commandLine: readonly string[]): string | null {
  if (commandLine.some((arg) => FLAG.test(arg))) return null;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

let applied = false;

/** Caps the heaps' growth once per process (V8 reads the flag at each collection). */
export function boundHeapGrowth(
  commandLine: readonly string[] = [...process.execArgv, ...process.argv],
): boolean {
  if (applied) return false;
  applied = true;
  const flag = heapGrowthFlag(commandLine);
  if (flag) v8.setFlagsFromString(flag);
  return flag !== null;
}
