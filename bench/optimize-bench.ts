// npm run bench:optimize -- --data DIR [--tries 3] [--rows 4000] [--timeout-s 60] [--json]
// On a copy of a kept library (`npm run bench:library -- --index-only --chunk-tokens 64
// --keep DIR` gives 190,383 chunks): append rows copied from the table, then optimize, as the
// writer does after a batch. Each try runs in a fresh process, alternating LanceDB's own
// defaults with the settings Quire gives it (store/lance-runtime.ts), so both start cold and
// side by side. An optimize that has not returned by the timeout counts as hung.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect, makeArrowTable } from '@lancedb/lancedb';
import { configureLanceRuntime } from '../electron/core/store/lance-runtime';
import { machine } from './raw-ort-texts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    tries: { type: 'string', default: '3' },
    rows: { type: 'string', default: '4000' },
    'timeout-s': { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
    /** Internal: run one try in this process with these settings. */
    try: { type: 'string' },
    copy: { type: 'string' },
  },
});

type Settings = 'lance-defaults' | 'quire';
interface TryResult {
  settings: Settings;
  hung: boolean;
  optimizeMs: number | null;
  rssBeforeMb: number;
  rssPeakMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Returns LanceDB's Arrow vectors as plain arrays, so rows read back can be written again. */
function plainRow(row: Record<string, unknown>, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const vector = value as { toArray?: () => ArrayLike<unknown> } | null;
    out[key] = typeof vector?.toArray === 'function' ? Array.from(vector.toArray()) : value;
  }
  out.id = `optimize-bench-${index}-${String(out.id)}`;
  return out;
}

async function runOneTry(settings: Settings, lanceDir: string): Promise<void> {
  if (settings === 'quire') configureLanceRuntime();
  const meta = JSON.parse(fs.readFileSync(path.join(lanceDir, 'quire-store.json'), 'utf8')) as {
    chunksTable?: string;
  };
  const db = await connect(lanceDir);
  const table = await db.openTable(meta.chunksTable ?? 'chunks');
  const rows = await table.query().limit(Number(values.rows)).toArray();
  const fresh = rows.map((row, index) =>
    plainRow((row as { toJSON(): Record<string, unknown> }).toJSON(), index),
  );
  await table.add(makeArrowTable(fresh, { schema: await table.schema() }));
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 50);
  const report = (result: Omit<TryResult, 'settings' | 'rssBeforeMb' | 'rssPeakMb'>) => {
    clearInterval(sampler);
    const line: TryResult = {
      settings,
      ...result,
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(rssPeak),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    // A hung optimize never settles: leave without waiting for LanceDB's threads.
    process.exit(0);
  };
  const timer = setTimeout(
    () => report({ hung: true, optimizeMs: null }),
    Number(values['timeout-s']) * 1000,
  );
  const started = performance.now();
  await table.optimize({ cleanupOlderThan: new Date() });
  clearTimeout(timer);
  report({ hung: false, optimizeMs: Math.round(performance.now() - started) });
}

function spawnTry(settings: Settings, lanceDir: string): Promise<TryResult> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-optimize-bench-'));
  fs.cpSync(lanceDir, copy, { recursive: true });
  const env = { ...process.env };
  delete env.LANCE_CPU_THREADS;
  delete env.LANCE_DEFAULT_IO_BUFFER_SIZE;
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, '--try', settings, '--copy', copy, ...passedOptions()],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      fs.rmSync(copy, { recursive: true, force: true });
      const line = output.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`a ${settings} try exited with ${code}`));
      else resolve(JSON.parse(line) as TryResult);
    });
  });
}

function passedOptions(): string[] {
  return ['--rows', String(values.rows), '--timeout-s', String(values['timeout-s'])];
}

function median(numbers: number[]): number | null {
  if (!numbers.length) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  if (values.try) return runOneTry(values.try as Settings, values.copy!);
  if (!values.data) throw new Error('Give --data, a data folder kept by bench:library --keep.');
  const lanceDir = path.join(values.data, 'lancedb');
  const log = (line: string) =>
    values.json ? process.stderr.write(`${line}\n`) : console.log(line);
  const tries: TryResult[] = [];
  for (let round = 0; round < Number(values.tries); round++)
    for (const settings of ['lance-defaults', 'quire'] as const) {
      const result = await spawnTry(settings, lanceDir);
      log(JSON.stringify(result));
      tries.push(result);
    }
  const summary = (['lance-defaults', 'quire'] as const).map((settings) => {
    const mine = tries.filter((item) => item.settings === settings);
    const finished = mine.filter((item) => !item.hung);
    return {
      settings,
      tries: mine.length,
      hung: mine.length - finished.length,
      optimizeMsMedian: median(finished.map((item) => item.optimizeMs!)),
      rssRiseMbMedian: median(finished.map((item) => item.rssPeakMb - item.rssBeforeMb)),
    };
  });
  const report = { machine: machine(), rows: Number(values.rows), summary, tries };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(report.machine);
    console.table(summary);
  }
}

await main();
