// LanceDB's process-wide settings: how far a scan reads ahead, and its CPU thread pool.
import os from 'node:os';

/**
 * Lance lets a scan read up to 2 GiB ahead of its consumer. Compaction (part of every
 * optimize) rewrites the small fragments into one, reading the table far faster than it writes
 * it back, so the read-ahead fills with the table itself: one optimize of 190,383 chunks plus
 * 4,000 new ones peaked 305 MB above its start, and 120 MB with 32 MiB of read-ahead, in the
 * same 2.6–2.8 s (measured on LanceDB 0.39; see docs/benchmarks.md). Searches read a few pages
 * and never come near it.
 */
export const LANCE_IO_BUFFER_BYTES = 32 * 2 ** 20;

/**
 * Lance's CPU pool has one thread per core. Updating a full-text index that has grown past one
 * partition blocks pool threads on work queued to the same pool, and with two threads that work
 * never runs: on a 2-core machine, appending 4,000 rows to 190,383 chunks and optimizing hung
 * in 5 of 5 tries (none returned within 60 s), and finished in 1.7–2.2 s in 6 of 6 with three
 * or more threads. Four leaves room; the extra threads sleep unless there is work.
 */
export const LANCE_MIN_CPU_THREADS = 4;

/**
 * Sets Lance's read-ahead and CPU pool for this process, each unless the environment already
 * does. Lance reads them when its runtime starts and when a scan starts, so this must run
 * before the first table is opened.
 */
export function configureLanceRuntime(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = os.availableParallelism(),
): void {
  env.LANCE_DEFAULT_IO_BUFFER_SIZE ??= String(LANCE_IO_BUFFER_BYTES);
  env.LANCE_CPU_THREADS ??= String(Math.max(LANCE_MIN_CPU_THREADS, cores));
}
