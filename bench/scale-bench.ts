// npm run bench:scale -- [--json] [--docs N] [--model-docs N] [--runs text,model]
// Writes SciFact's abstracts as one .txt file each and indexes the folder into a fresh library:
// first full-text only (no embedding model), then with a random-weight model of MiniLM-L6's
// real shape. For each run: docs/s over each fifth of the run, the total, peak RSS, fragments,
// LanceDB commits and full-text index updates, main-loop lag.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LIBRARY_STREAM } from '../shared/streams';
import { createQuireCore, type QuireCore } from '../electron/core/quire-core';
import { search } from '../electron/core/retrieval/search';
import { makeTestModels, MINILM_SHAPE_MODEL_ID } from '../scripts/make-test-models';
import { BENCH_MODELS_DIR, machine, SCIFACT_CORPUS } from './raw-ort-texts';
import { writeAbstracts } from './scifact-files';
import { cpuDelta, threadCpu } from './thread-cpu';

const SCIFACT_QUERIES = path.join(path.dirname(SCIFACT_CORPUS), 'queries.jsonl');

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    docs: { type: 'string', default: '5183' },
    'model-docs': { type: 'string' },
    runs: { type: 'string', default: 'text,model' },
    /** Each abstract this many times (a line makes each copy unique): 4 gives ~20k documents. */
    copies: { type: 'string', default: '1' },
  },
});
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** A large library's everyday costs: the library snapshot, a search, opening it again. */
async function everyday(core: QuireCore, reopen: () => Promise<QuireCore>) {
  let started = performance.now();
  const snapshot = JSON.stringify(core.library.snapshot());
  const snapshotMs = performance.now() - started;
  const queries = fs
    .readFileSync(SCIFACT_QUERIES, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 100)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const times: number[] = [];
  for (const query of queries) {
    started = performance.now();
    await search(core.store.lance, { query, mode: 'text', k: 10 });
    times.push(performance.now() - started);
  }
  await core.close();
  started = performance.now();
  const again = await reopen();
  again.library.snapshot();
  const reopenMs = performance.now() - started;
  return {
    core: again,
    figures: {
      snapshotMs: round1(snapshotMs),
      snapshotMb: round1(snapshot.length / 2 ** 20),
      textSearchP50Ms: round1(percentile(times, 0.5)),
      textSearchP95Ms: round1(percentile(times, 0.95)),
      reopenMs: Math.round(reopenMs),
    },
  };
}

/** docs/s over each fifth of the documents, in the order they became ready. */
function fifths(started: number, readyAt: number[]): number[] {
  const rates: number[] = [];
  let from = started;
  let done = 0;
  for (let part = 1; part <= 5; part++) {
    const upTo = Math.round((readyAt.length * part) / 5);
    const at = readyAt[upTo - 1] ?? from;
    rates.push(Math.round(((upTo - done) / Math.max(1, at - from)) * 1000 * 10) / 10);
    from = at;
    done = upTo;
  }
  return rates;
}

async function run(name: string, folder: string, modelsDir: string, withModel: boolean) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `quire-scale-${name}-`));
  const open = () =>
    createQuireCore(
      {
        dataDir,
        // Full-text only: a model folder without the model, as when none is installed.
        modelDir: withModel ? modelsDir : path.join(dataDir, 'no-models'),
        embeddingModel: withModel ? MINILM_SHAPE_MODEL_ID : 'Xenova/all-MiniLM-L6-v2',
        embeddingBackend: 'native',
        logger: { error: (m) => log(`error: ${m}`), warn: () => {} },
      },
      { indexing: { threads: os.availableParallelism(), batchSize: 8 } },
    );
  let core = await open();
  const readyAt: number[] = [];
  core.hub.onAnyEvent((e) => {
    if (e.stream === LIBRARY_STREAM && e.type === 'document.ready') readyAt.push(performance.now());
  });
  const { chunks } = core.store.lance.tables;
  const versionsBefore = await chunks.version();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const loadBefore = os.loadavg()[0]!;
  const cpuBefore = threadCpu();
  const started = performance.now();
  await core.library.add([folder]);
  await core.library.whenIdle();
  const ms = performance.now() - started;
  const cpuAfter = threadCpu();
  lag.disable();
  clearInterval(sampler);
  const snapshot = core.library.snapshot();
  const result = {
    run: name,
    docs: snapshot.totals.documents,
    ready: core.library.documents().filter((d) => d.status === 'ready').length,
    chunks: snapshot.totals.chunks,
    seconds: Math.round(ms / 100) / 10,
    docsPerSec: Math.round((readyAt.length / ms) * 1000 * 10) / 10,
    fifthsDocsPerSec: fifths(started, readyAt),
    lastFifthVsFirst: 0,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    fragments: await core.store.lance.fragments(),
    commits: (await chunks.version()) - versionsBefore,
    ftsIndexUpdates: core.store.lance.optimizeRuns,
    lagP99Ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
    lagMaxMs: Math.round((lag.max / 1e6) * 10) / 10,
    // Threads that ended during the run (replaced workers) are missing here.
    cpuSecondsByThread: cpuDelta(cpuBefore, cpuAfter),
    loadAvg1m: [Math.round(loadBefore * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
  };
  result.lastFifthVsFirst =
    Math.round((result.fifthsDocsPerSec[4]! / result.fifthsDocsPerSec[0]!) * 100) / 100;
  const after = await everyday(core, open);
  core = after.core;
  await core.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { ...result, ...after.figures };
}

async function main() {
  const models = (await makeTestModels(BENCH_MODELS_DIR)).modelsDir;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-scale-abstracts-'));
  const report: Record<string, unknown> = { machine: machine() };
  const runs = values.runs.split(',');
  try {
    if (runs.includes('text')) {
      const count = writeAbstracts(
        path.join(root, 'text'),
        Number(values.docs),
        Number(values.copies),
      );
      log(`full-text only: indexing ${count} abstracts…`);
      report.text = await run('text', path.join(root, 'text'), models, false);
      log(JSON.stringify(report.text));
    }
    if (runs.includes('model')) {
      const count = writeAbstracts(
        path.join(root, 'model'),
        Number(values['model-docs'] ?? values.docs),
      );
      log(`with the MiniLM-shape model: indexing ${count} abstracts…`);
      report.model = await run('model', path.join(root, 'model'), models, true);
      log(JSON.stringify(report.model));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report));
}

await main();
process.exit(0);
