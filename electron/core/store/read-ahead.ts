// How much LanceDB reads ahead of what a scan has consumed.

/**
 * Lance lets a scan read up to 2 GiB ahead of its consumer. Compaction (part of every
 * optimize) rewrites the small fragments into one, reading the table far faster than it writes
 * it back, so the read-ahead fills with the table itself: one optimize of 190,383 chunks plus
 * 4,000 new ones peaked 305 MB above its start, and 120 MB with 32 MiB of read-ahead, in the
 * same 2.6–2.8 s (measured on LanceDB 0.39: 0.31 hangs in that optimize, see
 * docs/benchmarks.md). Searches read a few pages and never come near it.
 */
export const LANCE_IO_BUFFER_BYTES = 32 * 2 ** 20;

const VARIABLE = 'LANCE_DEFAULT_IO_BUFFER_SIZE';

/**
 * Sets Lance's read-ahead for this process unless the environment already does. Lance reads
 * the variable when a scan starts, so this must run before the first table is opened.
 */
export function boundReadAhead(env: NodeJS.ProcessEnv = process.env): void {
  env[VARIABLE] ??= String(LANCE_IO_BUFFER_BYTES);
}
