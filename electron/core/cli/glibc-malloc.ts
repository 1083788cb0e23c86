// glibc's malloc, tuned for the commands that index: LanceDB's and onnxruntime's native threads
// allocate and free large buffers, and glibc's defaults keep what they freed.

/**
 * - MALLOC_ARENA_MAX: glibc gives busy threads arenas of their own, up to 8 per core, and
 *   what one arena frees only that arena reuses; two are enough for our threads.
 * - MALLOC_MMAP_THRESHOLD_: buffers from 128 KiB up are mapped on their own and returned to
 *   the system when freed. By default the threshold climbs (to 32 MiB) after the first large
 *   free, and Arrow batches and index pages then stay behind in the arenas.
 * - MALLOC_TRIM_THRESHOLD_: free memory at the top of a heap goes back from 128 KiB up.
 *
 * Indexing 190,383 chunks full-text only in Node (bench:library), peak RSS fell from 831 to
 * 534 MB with these (medians of 3): with the defaults, the memory outside the JavaScript heap
 * climbed from 400 to 700 MB over the run, with these from 260 to 340 MB. glibc reads them
 * only when the process starts. Electron's processes allocate through Chromium's PartitionAlloc, so
 * none of this applies to the app.
 */
export const GLIBC_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** Commands that index or serve for hours; the others are short and read little. */
export const MALLOC_TUNED_COMMANDS: ReadonlySet<string> = new Set(['serve', 'index', 'mcp']);

/**
 * The environment to restart with, or null: not glibc, not a long command, or any of these
 * variables (or GLIBC_TUNABLES) already set, which is someone's own choice.
 */
export function tunedMallocEnv(
  command: string | undefined,
  env: NodeJS.ProcessEnv,
  glibc: boolean,
): NodeJS.ProcessEnv | null {
  if (!glibc || !command || !MALLOC_TUNED_COMMANDS.has(command)) return null;
  if ('GLIBC_TUNABLES' in env || Object.keys(GLIBC_MALLOC_ENV).some((key) => key in env))
    return null;
  return { ...env, ...GLIBC_MALLOC_ENV };
}

type ExecveProcess = NodeJS.Process & {
  execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never;
};

function runsOnGlibc(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as
    { header?: { glibcVersionRuntime?: string } } | undefined;
  const header = report?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}

/**
 * Replaces this process with itself under the tuned environment: same pid, same arguments,
 * nothing left running in between. Needs process.execve (Node 22.15 and later); on older
 * Node the command runs as it is, and docs/benchmarks.md gives the variables to set by hand.
 */
export function restartWithTunedMalloc(command: string | undefined): void {
  const { execve } = process as ExecveProcess;
  if (typeof execve !== 'function') return;
  const env = tunedMallocEnv(command, process.env, runsOnGlibc());
  if (!env) return;
  try {
    execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      env,
    );
  } catch {
    // execve(2) failed and this process goes on unchanged: the command runs untuned.
  }
}
