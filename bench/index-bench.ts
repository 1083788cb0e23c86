// npm run bench:index -- [--json] [--docs N] [--scenario scifact|pdfs|all] [--threads N] [--batch N]
//   [--dtype fp32|q8|both] [--runs N]
// Indexes SciFact abstracts (one document each) and the big fixture PDFs with a random-weight
// model of MiniLM-L6's real shape, and compares throughput with raw onnxruntime in the same run.
// --dtype picks its weights (fp32 by default, as in every figure before int8); `both` runs fp32
// and q8 side by side, alternating which goes first, --runs rounds, and reports medians.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ModelDtype } from '../electron/core/embedding/model-location';
import { makeTestModels, MINILM_SHAPE_MODEL_ID } from '../scripts/make-test-models';
import { createQuireCore } from '../electron/core/quire-core';
import { rawOrtTokensPerSec } from './raw-ort';
import { BENCH_MODELS_DIR, machine, SCIFACT_CORPUS } from './raw-ort-texts';
import { cpuDelta, threadCpu } from './thread-cpu';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    docs: { type: 'string', default: '5183' },
    scenario: { type: 'string', default: 'all' },
    threads: { type: 'string' },
    batch: { type: 'string', default: '8' },
    dtype: { type: 'string', default: 'fp32' },
    runs: { type: 'string', default: '1' },
  },
});
const DTYPES: ModelDtype[] =
  values.dtype === 'both'
    ? ['fp32', 'q8']
    : values.dtype === 'fp32' || values.dtype === 'q8'
      ? [values.dtype]
      : [];
if (DTYPES.length === 0) throw new Error(`--dtype takes fp32, q8 or both, not "${values.dtype}"`);
const RUNS = Math.max(1, Number(values.runs));
const PDF_DIR = path.resolve(import.meta.dirname, '../../shared/fixtures/pdfs');
const log = (line: string) => {
  if (!values.json) console.log(line);
  else process.stderr.write(`${line}\n`);
};

type RunResult = {
  docs: number;
  pages: number;
  chunks: number;
  tokens: number;
  ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  peakRssMb: number;
  fragments: number;
  failed: number;
  /** CPU seconds per thread name over the timed run (Linux): where the cores went. */
  cpuSecondsByThread: Record<string, number>;
};

async function runIndexing(
  name: string,
  inputs: string[],
  models: string,
  dtype: ModelDtype,
): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `quire-bench-${name}-`));
  const threads = values.threads
    ? Number(values.threads)
    : Math.max(1, os.availableParallelism() - 1 || 1) + 0;
  const core = await createQuireCore(
    {
      dataDir,
      modelDir: models,
      embeddingModel: MINILM_SHAPE_MODEL_ID,
      embeddingBackend: 'native',
      embeddingDtype: dtype,
      logger: { error: (m) => log(`error: ${m}`), warn: () => {} },
    },
    {
      indexing: {
        threads: values.threads
          ? Number(values.threads)
          : Math.max(1, os.availableParallelism() - 0),
        batchSize: Number(values.batch),
      },
    },
  );
  void threads;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const cpuBefore = threadCpu();
  const started = performance.now();
  await core.library.add(inputs);
  await core.library.whenIdle();
  const ms = performance.now() - started;
  const cpuSecondsByThread = cpuDelta(cpuBefore, threadCpu());
  lag.disable();
  clearInterval(sampler);
  const docs = core.library.documents();
  const ready = docs.filter((d) => d.status === 'ready');
  const chunkRows = await core.store.lance.tables.chunks.query().select(['tokens']).toArray();
  const tokens = chunkRows.reduce((n, r) => n + Number((r as { tokens: number }).tokens), 0);
  await core.store.maybeOptimize(true);
  const result: RunResult = {
    docs: ready.length,
    pages: ready.reduce((n, d) => n + (d.pages ?? 0), 0),
    chunks: ready.reduce((n, d) => n + d.chunks, 0),
    tokens,
    ms: Math.round(ms),
    lagP99Ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
    lagMaxMs: Math.round((lag.max / 1e6) * 10) / 10,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    fragments: await core.store.fragments(),
    failed: docs.length - ready.length,
    cpuSecondsByThread,
  };
  await core.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return result;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000 * 10) / 10;
const loadAvg = () => machine().loadAvg1m;
type Run = Record<string, unknown> & { dtype: ModelDtype; tokensPerSec: number };

/** One SciFact run of one dtype, with raw onnxruntime of the same dtype before and after it. */
async function scifactRun(dir: string, models: string, dtype: ModelDtype): Promise<Run> {
  const rawOptions = {
    dtype,
    batchSize: Number(values.batch),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
  };
  const loadBefore = loadAvg();
  const raw = await rawOrtTokensPerSec(rawOptions);
  const run = await runIndexing('scifact', [dir], models, dtype);
  const rawAfter = await rawOrtTokensPerSec(rawOptions);
  const rawOrt = Math.round((raw.rawOrtTokensPerSec + rawAfter.rawOrtTokensPerSec) / 2);
  const tokensPerSec = rate(run.tokens, run.ms);
  // Per CPU-second of all threads: steadier than wall time when other work shares the cores.
  const cpuSeconds = Object.values(run.cpuSecondsByThread).reduce((n, s) => n + s, 0);
  const tokensPerCpuSec = Math.round(run.tokens / cpuSeconds);
  const rawPerCpuSec = Math.round((raw.rawOrtTokensPerCpuSec + rawAfter.rawOrtTokensPerCpuSec) / 2);
  return {
    dtype,
    ...run,
    pagesPerSec: null,
    docsPerSec: rate(run.docs, run.ms),
    chunksPerSec: rate(run.chunks, run.ms),
    tokensPerSec,
    rawOrtTokensPerSec: rawOrt,
    rawOrtRuns: [raw.rawOrtTokensPerSec, rawAfter.rawOrtTokensPerSec],
    ratio: Math.round((tokensPerSec / rawOrt) * 1000) / 1000,
    tokensPerCpuSec,
    rawOrtTokensPerCpuSec: rawPerCpuSec,
    cpuRatio: Math.round((tokensPerCpuSec / rawPerCpuSec) * 1000) / 1000,
    loadAvg1m: [loadBefore, loadAvg()],
  };
}

async function pdfsRun(models: string, dtype: ModelDtype): Promise<Run> {
  const pdfs = ['geotopo_de_117p.pdf', 'irs_i1040nr_instructions_50p.pdf'].map((f) =>
    path.join(PDF_DIR, f),
  );
  const loadBefore = loadAvg();
  const run = await runIndexing('pdfs', pdfs, models, dtype);
  return {
    dtype,
    ...run,
    pagesPerSec: rate(run.pages, run.ms),
    chunksPerSec: rate(run.chunks, run.ms),
    tokensPerSec: rate(run.tokens, run.ms),
    loadAvg1m: [loadBefore, loadAvg()],
  };
}

/**
 * Runs each dtype RUNS times, alternating which goes first (fp32, q8, then q8, fp32, ...) so
 * that load drifting over the run weighs on both alike. One dtype and one run: that run as is.
 */
async function sideBySide(
  label: string,
  run: (dtype: ModelDtype) => Promise<Run>,
): Promise<Record<string, unknown>> {
  const runs = new Map<ModelDtype, Run[]>(DTYPES.map((d) => [d, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const dtype of round % 2 === 0 ? DTYPES : [...DTYPES].reverse()) {
      log(`${label}, ${dtype}, run ${round + 1} of ${RUNS}…`);
      const result = await run(dtype);
      runs.get(dtype)!.push(result);
      log(JSON.stringify(result));
    }
  }
  const summaries = new Map([...runs].map(([dtype, list]) => [dtype, medianRun(list)]));
  if (DTYPES.length === 1) return summaries.get(DTYPES[0]!)!;
  const fp32 = runs.get('fp32')!;
  const q8 = runs.get('q8')!;
  const over = (key: string) => {
    const a = summaries.get('q8')![key];
    const b = summaries.get('fp32')![key];
    return typeof a === 'number' && typeof b === 'number' ? round3(a / b) : null;
  };
  return {
    fp32: summaries.get('fp32'),
    q8: summaries.get('q8'),
    // Medians' ratios, and the median of each round's own ratio (the two ran back to back).
    q8VsFp32: {
      tokensPerSec: over('tokensPerSec'),
      tokensPerSecPaired: round3(median(q8.map((r, i) => r.tokensPerSec / fp32[i]!.tokensPerSec))),
      tokensPerCpuSec: over('tokensPerCpuSec'),
      rawOrtTokensPerSec: over('rawOrtTokensPerSec'),
      rawOrtTokensPerCpuSec: over('rawOrtTokensPerCpuSec'),
    },
  };
}

/** Each numeric field's median over the runs; the rest from the run with the median rate. */
function medianRun(list: Run[]): Run {
  if (list.length === 1) return list[0]!;
  const sorted = [...list].sort((a, b) => a.tokensPerSec - b.tokensPerSec);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const out: Run = { ...middle };
  for (const [key, value] of Object.entries(middle)) {
    if (typeof value === 'number') out[key] = round3(median(list.map((r) => r[key] as number)));
  }
  out.runs = list.map((r) => ({
    tokensPerSec: r.tokensPerSec,
    rawOrtTokensPerSec: r.rawOrtTokensPerSec,
    ratio: r.ratio,
    cpuRatio: r.cpuRatio,
    ms: r.ms,
    loadAvg1m: r.loadAvg1m,
  }));
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function main() {
  const models = (await makeTestModels(BENCH_MODELS_DIR)).modelsDir;
  const report: Record<string, unknown> = { machine: machine(), dtype: values.dtype, runs: RUNS };

  if (values.scenario === 'all' || values.scenario === 'scifact') {
    const count = Number(values.docs);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-scifact-'));
    const lines = fs
      .readFileSync(SCIFACT_CORPUS, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, count);
    for (const line of lines) {
      const doc = JSON.parse(line) as { _id: string; title: string; text: string };
      fs.writeFileSync(path.join(dir, `${doc._id}.txt`), `${doc.title}\n\n${doc.text}\n`);
    }
    report.scifact = await sideBySide(`indexing ${lines.length} SciFact abstracts`, (dtype) =>
      scifactRun(dir, models, dtype),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (values.scenario === 'all' || values.scenario === 'pdfs') {
    report.pdfs = await sideBySide('indexing the 117-page and 50-page PDFs together', (dtype) =>
      pdfsRun(models, dtype),
    );
  }

  if (DTYPES.length > 1) {
    console.log(JSON.stringify({ ...report, machine: machine() }));
    return;
  }
  const scifact = report.scifact as Record<string, number> | undefined;
  const pdfs = report.pdfs as Record<string, number> | undefined;
  const summary = {
    pagesPerSec: pdfs?.pagesPerSec ?? null,
    chunksPerSec: scifact?.chunksPerSec ?? pdfs?.chunksPerSec ?? null,
    tokensPerSec: scifact?.tokensPerSec ?? pdfs?.tokensPerSec ?? null,
    rawOrtTokensPerSec: scifact?.rawOrtTokensPerSec ?? null,
    ratio: scifact?.ratio ?? null,
    mainLoopLagP99Ms: Math.max(scifact?.lagP99Ms ?? 0, pdfs?.lagP99Ms ?? 0),
    peakRssMb: pdfs?.peakRssMb ?? scifact?.peakRssMb ?? null,
    fragments: scifact?.fragments ?? pdfs?.fragments ?? null,
    ...report,
  };
  console.log(JSON.stringify(summary));
}

await main();
process.exit(0);
