// npm run bench:swap -- [--docs 2000] [--kill-at 0.4] [--interval 200] [--keep DIR]
// Switches a library of SciFact abstracts from the generated MiniLM-shape model to a generated
// model of another width, in the background, while a vector search runs every 200 ms. Midway
// the process is killed (SIGKILL) and started again; the switch must resume, not restart. Prints
// JSON: searchesDuringSwap, searchErrors, resumedAfterKill, finalModel, targetModel, times,
// peak RSS, and the machine. The "app" runs in a child process (this same script, --role app),
// so the kill is a real kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ModelSwitchState } from '../shared/models';
import { createQuireCore, type QuireCore } from '../electron/core/quire-core';
import {
  makeTestModels,
  MINILM_SHAPE_MODEL_ID,
  SMALL_SHAPE_MODEL_ID,
} from '../scripts/make-test-models';
import { BENCH_MODELS_DIR, machine, SCIFACT_CORPUS } from './raw-ort-texts';
import { writeAbstracts } from './scifact-files';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    data: { type: 'string' },
    models: { type: 'string' },
    index: { type: 'string' },
    switch: { type: 'string' },
    docs: { type: 'string', default: '2000' },
    'kill-at': { type: 'string', default: '0.4' },
    interval: { type: 'string', default: '200' },
    keep: { type: 'string' },
  },
});

/** One line of the app's report to the bench, on stdout. */
type AppLine =
  | { t: 'ready'; model: string; chunks: number; indexSeconds: number | null; diskMb: number }
  | { t: 'search'; ok: boolean; hits: number; ms: number; model: string }
  | { t: 'switch'; state: ModelSwitchState }
  | {
      t: 'end';
      model: string;
      vectors: number;
      chunks: number;
      maxRssMb: number;
      /** The index folder once the old table is gone; and the most it held during the switch. */
      diskMb: number;
      peakDiskMb: number;
      chunkTables: string[];
      /** From this process's start (or the switch's start) to the switch's last step. */
      secondsToDone: number | null;
    };

/** Bytes under a folder (the LanceDB folder: tables, versions, indexes). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
  }
  return total;
}
const lanceMb = () => Math.round(folderBytes(path.join(values.data!, 'lancedb')) / 2 ** 20);
const chunkTables = () =>
  fs
    .readdirSync(path.join(values.data!, 'lancedb'))
    .filter((n) => /^chunks(_\d+)?\.lance$/.test(n));

const emit = (line: AppLine) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Claims from SciFact's queries: what a person would search for. */
function queries(): string[] {
  const file = path.join(path.dirname(SCIFACT_CORPUS), 'queries.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 200)
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

/** The app: opens the library, indexes and/or starts the switch, and searches on a timer. */
let appStarted = performance.now();

async function runApp(): Promise<void> {
  const core: QuireCore = await createQuireCore({
    dataDir: values.data!,
    modelDir: values.models!,
    embeddingBackend: 'native',
    // Only the first run names a model; later runs read the library's own record.
    ...(values.index ? { embeddingModel: MINILM_SHAPE_MODEL_ID } : {}),
    logger: { error: (m) => process.stderr.write(`error: ${m}\n`), warn: () => {} },
  });
  let indexSeconds: number | null = null;
  if (values.index) {
    const started = performance.now();
    const files = fs.readdirSync(values.index).map((f) => path.join(values.index!, f));
    await core.library.add(files);
    await core.library.whenIdle();
    indexSeconds = (performance.now() - started) / 1000;
  }
  appStarted = performance.now();
  emit({
    t: 'ready',
    model: core.model.modelId,
    chunks: await core.store.countChunks(),
    indexSeconds,
    diskMb: lanceMb(),
  });
  await searchThroughSwitch(core);
}

async function searchThroughSwitch(core: QuireCore): Promise<void> {
  core.hub.onAnyEvent((event) => {
    if (event.type === 'model.switch') emit({ t: 'switch', state: event.data });
  });
  let peakDiskMb = lanceMb();
  const diskSampler = setInterval(() => (peakDiskMb = Math.max(peakDiskMb, lanceMb())), 1000);
  const asked = queries();
  const interval = Number(values.interval);
  let searching = true;
  const loop = (async () => {
    for (let i = 0; searching; i++) {
      const started = performance.now();
      try {
        const result = await core.retriever.search(asked[i % asked.length]!, {
          mode: 'vector',
          k: 10,
        });
        const ms = performance.now() - started;
        emit({
          t: 'search',
          ok: result.hits.length > 0,
          hits: result.hits.length,
          ms,
          model: core.model.modelId,
        });
      } catch {
        emit({
          t: 'search',
          ok: false,
          hits: 0,
          ms: performance.now() - started,
          model: core.model.modelId,
        });
      }
      const wait = interval - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  if (values.switch) await core.modelSwitch.start(values.switch);
  // A resumed switch was started by the core itself; either way, wait for its end.
  await new Promise((r) => setTimeout(r, 50));
  const end = await core.modelSwitch.settled();
  const secondsToDone = end.state === 'done' ? (performance.now() - appStarted) / 1000 : null;
  emit({ t: 'switch', state: end });
  // More searches, answered by the new model with no restart, until the old table is dropped.
  const waitUntil = Date.now() + 20_000;
  await new Promise((r) => setTimeout(r, 10 * interval));
  while (chunkTables().length > 1 && Date.now() < waitUntil)
    await new Promise((r) => setTimeout(r, 250));
  searching = false;
  await loop;
  clearInterval(diskSampler);
  emit({
    t: 'end',
    model: core.model.modelId,
    vectors: await core.store.lance.countVectors(core.model.modelId),
    chunks: await core.store.countChunks(),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    diskMb: lanceMb(),
    peakDiskMb,
    chunkTables: chunkTables(),
    secondsToDone,
  });
  await core.close();
}

// ---- the bench ----

type Phase = {
  lines: AppLine[];
  exit: Promise<number | null>;
  child: ChildProcess;
  maxRssMb: number;
};

function startApp(args: string[], onLine: (line: AppLine, child: ChildProcess) => void): Phase {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [script, '--role', 'app', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const phase: Phase = { lines: [], exit: Promise.resolve(null), child, maxRssMb: 0 };
  // The kernel's high-water mark for the child, read while it lives (a killed child reports none).
  const sampler = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) phase.maxRssMb = Math.max(phase.maxRssMb, Math.round(Number(hwm[1]) / 1024));
    } catch {
      // Gone, or not Linux.
    }
  }, 500);
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as AppLine;
    phase.lines.push(line);
    onLine(line, child);
  });
  phase.exit = new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(sampler);
      resolve(code);
    }),
  );
  return phase;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

async function runBench(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const root = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quire-swap-'));
  const models = (await makeTestModels(BENCH_MODELS_DIR)).modelsDir;
  const docsDir = path.join(root, 'docs');
  const dataDir = path.join(root, 'data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(docsDir, { recursive: true, force: true });
  const docs = writeAbstracts(docsDir, Number(values.docs));
  const common = ['--data', dataDir, '--models', models, '--interval', String(values.interval)];
  const killAt = Number(values['kill-at']);

  log(
    `indexing ${docs} abstracts with ${MINILM_SHAPE_MODEL_ID}, then switching to ${SMALL_SHAPE_MODEL_ID}…`,
  );
  const startedAt = performance.now();
  let switchStartedAt = 0;
  let killedAt: ModelSwitchState | null = null;
  const first = startApp(
    [...common, '--index', docsDir, '--switch', SMALL_SHAPE_MODEL_ID],
    (line, child) => {
      if (line.t === 'ready') {
        switchStartedAt = performance.now();
        log(`indexed: ${line.chunks} passages in ${round1(line.indexSeconds)} s; switching…`);
      }
      if (line.t !== 'switch' || killedAt) return;
      const { doneChunks, totalChunks, state } = line.state;
      if (state === 'running' && totalChunks > 0 && doneChunks >= killAt * totalChunks) {
        killedAt = line.state;
        log(`kill -9 at ${doneChunks} of ${totalChunks} passages`);
        child.kill('SIGKILL');
      }
    },
  );
  const firstExit = await first.exit;
  const firstSwitchSeconds = (performance.now() - switchStartedAt) / 1000;
  if (!killedAt) throw new Error(`the app ended (code ${firstExit}) before it could be killed`);

  const restartedAt = performance.now();
  let resumedFrom: number | null = null;
  const second = startApp(common, (line) => {
    if (line.t === 'switch' && resumedFrom === null && line.state.totalChunks > 0)
      resumedFrom = line.state.doneChunks;
  });
  const secondExit = await second.exit;
  const secondSeconds = (performance.now() - restartedAt) / 1000;
  const lines = [...first.lines, ...second.lines];
  const searches = lines.filter((l): l is Extract<AppLine, { t: 'search' }> => l.t === 'search');
  // The app searches from the moment indexing is done until the switch has ended.
  const searchesDuringSwap = searches.length;
  const ready = first.lines.find((l): l is Extract<AppLine, { t: 'ready' }> => l.t === 'ready');
  const end = second.lines.find((l): l is Extract<AppLine, { t: 'end' }> => l.t === 'end');
  const finalSwitch = [...second.lines]
    .reverse()
    .find((l): l is Extract<AppLine, { t: 'switch' }> => l.t === 'switch');
  const killed = killedAt as ModelSwitchState | null;
  const report = {
    docs,
    chunks: ready?.chunks ?? null,
    fromModel: MINILM_SHAPE_MODEL_ID,
    targetModel: SMALL_SHAPE_MODEL_ID,
    finalModel: end?.model ?? null,
    finalVectors: end?.vectors ?? null,
    finalState: finalSwitch?.state.state ?? null,
    searchesDuringSwap,
    searchErrors: searches.filter((s) => !s.ok).length,
    searchMs: {
      p50: round1(median(searches.map((s) => s.ms))),
      p95: round1(
        percentile(
          searches.map((s) => s.ms),
          0.95,
        ),
      ),
    },
    searchesByModel: Object.fromEntries(
      [...new Set(searches.map((s) => s.model))].map((m) => [
        m,
        searches.filter((s) => s.model === m).length,
      ]),
    ),
    killedAtChunks: killed?.doneChunks ?? null,
    resumedFromChunks: resumedFrom,
    resumedAfterKill:
      resumedFrom !== null &&
      killed !== null &&
      resumedFrom > 0 &&
      end?.model === SMALL_SHAPE_MODEL_ID,
    secondsIndexing: round1(ready?.indexSeconds ?? null),
    secondsSwitchBeforeKill: round1(firstSwitchSeconds),
    secondsAfterRestart: round1(secondSeconds),
    /** The restarted app, from opening the library to the switch's last step. */
    secondsRestartToDone: round1(end?.secondsToDone ?? null),
    secondsTotal: round1((performance.now() - startedAt) / 1000),
    peakRssMb: {
      beforeKill: first.maxRssMb,
      afterRestart: Math.max(second.maxRssMb, end?.maxRssMb ?? 0),
    },
    indexMb: {
      beforeSwitch: ready?.diskMb ?? null,
      peakDuringSwitch: end?.peakDiskMb ?? null,
      afterSwitch: end?.diskMb ?? null,
      tablesAfter: end?.chunkTables ?? null,
    },
    exitCodes: [firstExit, secondExit],
    machine: machine(),
  };
  console.log(JSON.stringify(report, null, 2));
  if (!values.keep) fs.rmSync(root, { recursive: true, force: true });
  const ok =
    report.searchErrors === 0 &&
    report.resumedAfterKill &&
    report.finalModel === SMALL_SHAPE_MODEL_ID;
  process.exitCode = ok ? 0 : 1;
}

if (values.role === 'app') await runApp();
else await runBench();
