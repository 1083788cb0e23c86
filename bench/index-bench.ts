// npm run bench:index -- [--json] [--docs N] [--scenario scifact|pdfs|all] [--threads N] [--batch N]
// Indexes SciFact abstracts (one document each) and the big fixture PDFs with a random-weight
// model of MiniLM-L6's real shape, and compares throughput with raw onnxruntime in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
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
  },
});
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

async function runIndexing(name: string, inputs: string[], models: string): Promise<RunResult> {
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

async function main() {
  const models = (await makeTestModels(BENCH_MODELS_DIR)).modelsDir;
  const report: Record<string, unknown> = { machine: machine() };
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000 * 10) / 10;

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
    log(`indexing ${lines.length} SciFact abstracts…`);
    const raw = await rawOrtTokensPerSec({
      batchSize: Number(values.batch),
      ...(values.threads ? { threads: Number(values.threads) } : {}),
    });
    const run = await runIndexing('scifact', [dir], models);
    const rawAfter = await rawOrtTokensPerSec({
      batchSize: Number(values.batch),
      ...(values.threads ? { threads: Number(values.threads) } : {}),
    });
    const rawOrt = Math.round((raw.rawOrtTokensPerSec + rawAfter.rawOrtTokensPerSec) / 2);
    const tokensPerSec = rate(run.tokens, run.ms);
    // Per CPU-second of all threads: steadier than wall time when other work shares the cores.
    const cpuSeconds = Object.values(run.cpuSecondsByThread).reduce((n, s) => n + s, 0);
    const tokensPerCpuSec = Math.round(run.tokens / cpuSeconds);
    const rawPerCpuSec = Math.round(
      (raw.rawOrtTokensPerCpuSec + rawAfter.rawOrtTokensPerCpuSec) / 2,
    );
    report.scifact = {
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
    };
    log(JSON.stringify(report.scifact));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (values.scenario === 'all' || values.scenario === 'pdfs') {
    const pdfs = ['geotopo_de_117p.pdf', 'irs_i1040nr_instructions_50p.pdf'].map((f) =>
      path.join(PDF_DIR, f),
    );
    log('indexing the 117-page and 50-page PDFs together…');
    const run = await runIndexing('pdfs', pdfs, models);
    report.pdfs = {
      ...run,
      pagesPerSec: rate(run.pages, run.ms),
      chunksPerSec: rate(run.chunks, run.ms),
      tokensPerSec: rate(run.tokens, run.ms),
    };
    log(JSON.stringify(report.pdfs));
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
