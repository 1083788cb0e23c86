// npm run bench:library -- [--json] [--docs 5183] [--copies 4] [--runs 3] [--keep DIR] [--data DIR]
//   [--chunk-tokens 64] [--index-only]
// A library of ~20,000 documents, as a reader has it: SciFact's abstracts written out four
// times as .txt files (distinct content), indexed full-text only, with resident memory sampled
// every 2 s (documents ready, chunks, RSS and its parts) and its peak every 50 ms; the glibc
// malloc variables it ran with are in the report. Then the figures a person
// feels: the library snapshot's size (the old full list beside the paged one), a page of
// the list, a text search, reopening the registry, and in Chromium against `quire serve`:
// start-up to the list visible, opening the list, frames per second while scrolling it,
// searching it; peak RSS of both processes. Needs `npm run build:web` first. The npm script
// runs all of it bundled, as the app runs (tsx alone adds seconds and hundreds of MB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { DocumentRegistry } from '../electron/core/library/document-registry';
import { Journal } from '../electron/core/journal/journal';
import { createQuireCore } from '../electron/core/quire-core';
import { search } from '../electron/core/retrieval/search';
import { startQuireServer } from '../e2e/quire-server';
import { memoryTable, sampleMemory } from './memory-samples';
import { machine, SCIFACT_CORPUS } from './raw-ort-texts';
import { writeAbstracts } from './scifact-files';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    docs: { type: 'string', default: '5183' },
    copies: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    /** An already indexed data folder (from an earlier --keep): skips the indexing. */
    data: { type: 'string' },
    /** Keep the data folder here for the next run. */
    keep: { type: 'string' },
    /** Smaller chunks for more of them: 64 gives ~100,000 chunks for ~20,000 abstracts. */
    'chunk-tokens': { type: 'string' },
    /** A bundled CLI for `quire serve`; without it the sources run under tsx. */
    cli: { type: 'string' },
    /** Only index (with the memory samples), then stop: for comparing memory run against run. */
    'index-only': { type: 'boolean', default: false },
  },
});
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];
// No embedding model: full-text only, as when none is installed.
const NO_MODEL = 'Xenova/all-MiniLM-L6-v2';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const timed = <T>(fn: () => T): [T, number] => {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
};

async function indexLibrary(dataDir: string) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-library-files-'));
  const count = writeAbstracts(folder, Number(values.docs), Number(values.copies));
  log(`indexing ${count} abstracts, full-text only…`);
  const core = await createQuireCore(
    {
      dataDir,
      modelDir: path.join(dataDir, 'no-models'),
      embeddingModel: NO_MODEL,
      logger: { error: (m) => log(`error: ${m}`), warn: () => {} },
    },
    values['chunk-tokens']
      ? {
          indexing: {
            maxTokens: Number(values['chunk-tokens']),
            overlapTokens: Math.round(Number(values['chunk-tokens']) / 8),
          },
        }
      : {},
  );
  // RSS over the run (every 2 s, with the documents ready and chunks stored), and at the peak
  // how much of it was JavaScript's heap and buffers and how much native (LanceDB).
  const memory = sampleMemory(() => {
    const t = core.library.snapshot().totals;
    return { ready: t.documents - t.indexing - t.failed, chunks: t.chunks };
  });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const started = performance.now();
  await core.library.add([folder]);
  await core.library.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  lag.disable();
  const rss = memory.stop();
  const chunks = core.library.snapshot().totals.chunks;
  await core.close();
  log(`memory while indexing (every ${rss.everySeconds} s):\n${memoryTable(rss)}`);
  return {
    documents: count,
    chunks,
    seconds: round1(seconds),
    peakRssMb: rss.peak.rssMb,
    atPeakHeapMb: rss.peak.heapUsedMb,
    atPeakExternalMb: rss.peak.externalMb,
    atPeakBuffersMb: rss.peak.arrayBuffersMb,
    lagP99Ms: round1(lag.percentile(99) / 1e6),
    rss,
    filesDir: folder,
  };
}

/** The core's side: snapshot, a page, a text search, reopening the registry. */
async function coreFigures(dataDir: string) {
  const core = await createQuireCore({
    dataDir,
    modelDir: path.join(dataDir, 'no-models'),
    embeddingModel: NO_MODEL,
    startIndexing: false,
    logger: { error: () => {}, warn: () => {} },
  });
  const snapshot = core.library.snapshot();
  const fullList = { ...snapshot, documents: core.library.documents(), complete: true };
  const snapshotMs = median(
    Array.from({ length: 20 }, () => timed(() => JSON.stringify(core.library.snapshot()))[1]),
  );
  const fullListMs = median(
    Array.from({ length: 5 }, () => timed(() => JSON.stringify(fullList))[1]),
  );
  const pageMs = median(
    Array.from({ length: 20 }, (_, i) => timed(() => core.library.query({ offset: i * 997 }))[1]),
  );
  const searchListMs = median(
    Array.from({ length: 20 }, (_, i) => timed(() => core.library.query({ search: `-0${i}` }))[1]),
  );
  const queries = fs
    .readFileSync(path.join(path.dirname(SCIFACT_CORPUS), 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 100)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const searchTimes: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await search(core.store.lance, { query, mode: 'text', k: 10 });
    searchTimes.push(performance.now() - started);
  }
  await core.close();

  // Opening the registry now, and what the rewrite every open used to add.
  const journalFile = path.join(dataDir, 'library', 'documents.jsonl');
  const openMs = median(
    Array.from({ length: 5 }, () => {
      const [registry, ms] = timed(() => new DocumentRegistry(dataDir));
      registry.close();
      return ms;
    }),
  );
  const copy = `${journalFile}.bench`;
  const records = new Journal<unknown>(journalFile).load();
  const rewriteMs = median(
    Array.from({ length: 5 }, () => timed(() => new Journal<unknown>(copy).compact(records))[1]),
  );
  fs.rmSync(copy, { force: true });
  return {
    documents: snapshot.totals.documents,
    chunks: snapshot.totals.chunks,
    snapshotKb: round1(Buffer.byteLength(JSON.stringify(snapshot)) / 1024),
    fullListSnapshotKb: round1(Buffer.byteLength(JSON.stringify(fullList)) / 1024),
    snapshotSerializeMs: round1(snapshotMs),
    fullListSerializeMs: round1(fullListMs),
    pageOf200Ms: round1(pageMs),
    listSearchMs: round1(searchListMs),
    textSearchP50Ms: round1(median(searchTimes)),
    registryOpenMs: Math.round(openMs),
    journalRewriteMs: Math.round(rewriteMs),
    journalMb: round1(fs.statSync(journalFile).size / 2 ** 20),
  };
}

/** `quire serve` over the kept library, without an embedding model (full-text only). */
const serve = (dataDir: string) =>
  startQuireServer({
    dataDir,
    extraArgs: ['--model-dir', path.join(dataDir, 'no-models'), '--embedding-model', NO_MODEL],
    ...(values.cli ? { cliBundle: values.cli } : {}),
  });

/** Peak resident memory of a process so far (Linux). */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * requestAnimationFrame callbacks per second over `seconds`, scrolling the list by `step`
 * pixels a frame (0: idle, what the machine manages right now). Plain source text, so the
 * bundler's helpers never reach the page.
 */
async function scrollFps(page: Page, seconds: number, step: number) {
  return (await page.evaluate(`(async () => {
    const scroller = document.querySelector('.doc-scroller');
    scroller.scrollTop = 0;
    let frames = 0;
    let pendingRowFrames = 0;
    let deepest = 0;
    const start = await new Promise((r) => requestAnimationFrame(r));
    await new Promise((resolve) => {
      const tick = (t) => {
        frames++;
        if (${step} > 0) scroller.scrollTop = (scroller.scrollTop + ${step}) % scroller.scrollHeight;
        deepest = Math.max(deepest, scroller.scrollTop);
        pendingRowFrames += document.querySelectorAll('.doc-row-pending').length > 0 ? 1 : 0;
        if (t - start < ${seconds * 1000}) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    const end = await new Promise((r) => requestAnimationFrame(r));
    return { fps: (frames * 1000) / (end - start), pendingRowFrames, frames, deepestRow: Math.round(deepest / 76) };
  })()`)) as { fps: number; pendingRowFrames: number; frames: number; deepestRow: number };
}

async function browserRun(dataDir: string, expected: number) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  const started = performance.now();
  const server = await serve(dataDir);
  try {
    const serverReadyMs = performance.now() - started;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.openUrl);
    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByTestId('doc-row').first().waitFor();
    const startupMs = performance.now() - started;
    const totals = await page.getByTestId('library-totals').textContent();
    if (!totals?.includes(expected.toLocaleString('en-US')))
      throw new Error(`the list shows "${totals}", not ${expected} documents`);

    // Opening the list again from another view: the snapshot is already in the window.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('doc-row').first().waitFor({ state: 'detached' });
    let t = performance.now();
    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByTestId('doc-row').first().waitFor();
    const openListMs = performance.now() - t;

    const idle = await scrollFps(page, 2, 0);
    // A fast wheel scroll: 150 px a frame, two rows, about 9,000 px/s.
    const steady = await scrollFps(page, 4, 150);
    // Flicks of six screens a frame: every frame needs rows from pages not yet fetched.
    const flick = await scrollFps(page, 4, 5_000);

    t = performance.now();
    await page.getByLabel('Filter documents').fill('2-01234-');
    const rows = page.getByTestId('doc-row');
    await rows.filter({ hasText: '2-01234-' }).waitFor();
    await rows.nth(1).waitFor({ state: 'detached' });
    const searchListMs = performance.now() - t;
    return {
      serverReadyMs: Math.round(serverReadyMs),
      startupToListMs: Math.round(startupMs),
      openListMs: Math.round(openListMs),
      idleFps: round1(idle.fps),
      scrollFps: round1(steady.fps),
      scrollPendingFrames: steady.pendingRowFrames,
      scrollFrames: steady.frames,
      // How far down the scroll reached: proof that the list really moved.
      scrollDeepestRow: steady.deepestRow,
      flickFps: round1(flick.fps),
      flickPendingFrames: flick.pendingRowFrames,
      flickFrames: flick.frames,
      flickDeepestRow: flick.deepestRow,
      searchListMs: Math.round(searchListMs),
      servePeakRssMb: peakRssMb(server.process.pid!),
    };
  } finally {
    await server.stop();
    await browser.close();
  }
}

/** The core's figures, then the browser runs against `quire serve`. */
async function measureLibrary(dataDir: string, report: Record<string, unknown>) {
  const core = await coreFigures(dataDir);
  report.core = core;
  log(`core: ${JSON.stringify(core)}`);
  const runs: Awaited<ReturnType<typeof browserRun>>[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    runs.push(await browserRun(dataDir, core.documents));
    log(`browser run ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
  }
  const keys = Object.keys(runs[0] ?? {}) as (keyof (typeof runs)[number])[];
  report.browserMedians = Object.fromEntries(
    keys.map((k) => [k, round1(median(runs.map((r) => r[k])))]),
  );
}

async function main() {
  const report: Record<string, unknown> = {
    machine: machine(),
    uptime: os.loadavg(),
    // How each part ran: bundled as in the app, or from sources under tsx.
    ran: {
      core: import.meta.url.endsWith('.ts') ? 'tsx' : 'bundled',
      serve: values.cli ? 'bundled' : 'tsx',
      // glibc's malloc settings change native memory by hundreds of MB (docs/benchmarks.md).
      malloc: Object.fromEntries(
        Object.entries(process.env).filter(([k]) => /^MALLOC_|^GLIBC_TUNABLES$/.test(k)),
      ),
    },
  };
  let dataDir = values.data;
  let filesDir: string | null = null;
  if (!dataDir) {
    dataDir = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quire-library-bench-'));
    const indexing = await indexLibrary(dataDir);
    filesDir = indexing.filesDir;
    report.indexing = { ...indexing, filesDir: undefined };
    log(`indexing: ${JSON.stringify({ ...indexing, filesDir: undefined, rss: undefined })}`);
  }
  try {
    if (!values['index-only']) await measureLibrary(dataDir, report);
  } finally {
    // The files stay beside a kept library: it refers to them.
    if (filesDir && !values.keep) fs.rmSync(filesDir, { recursive: true, force: true });
    if (!values.keep && !values.data) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  report.loadAfter = os.loadavg();
  console.log(JSON.stringify(report, null, values.json ? 0 : 2));
}

await main();
process.exit(0);
