// Raw onnxruntime-node throughput on the MiniLM-shaped model: the ceiling our embedder is held to.
// Usage: tsx bench/raw-ort.ts [--batch 8] [--threads 1] [--docs 256] [--passes 1] [--dtype fp32|q8] [--embedder] [--wasm]
// Prints one JSON line. With --sweep: one line per batch size (1..32) and thread count (1, 2).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { MODEL_FILES, type ModelDtype } from '../electron/core/embedding/model-location';
import { makeTestModels } from '../scripts/make-test-models';
import { embedderTokensPerSec, wasmEmbedderTokensPerSec } from './raw-ort-embedder';
import {
  BENCH_MODELS_DIR,
  machine,
  realTokens,
  scifactAbstracts,
  timeBest,
  tokenizeAbstracts,
  type Machine,
} from './raw-ort-texts';

export type RawOrtOptions = {
  /** The ONNX file; defaults to the generated minilm-shape model in .test-models/ of `dtype`. */
  modelPath?: string;
  /** Which of minilm-shape's files: fp32 (`onnx/model.onnx`, the default) or q8 (int8). */
  dtype?: ModelDtype;
  batchSize?: number;
  /** Intra-op threads; onnxruntime's own default (all cores) when omitted. */
  threads?: number;
  /** How many SciFact abstracts to embed. */
  docs?: number;
  /** Untimed batches first, so session warm-up is not counted. */
  warmupBatches?: number;
  /** Timed passes over all the texts; the best one counts (noise from other work only slows). */
  passes?: number;
};

export type RawOrtResult = {
  dtype: ModelDtype;
  rawOrtTokensPerSec: number;
  /** Tokens per CPU-second of this process: steadier than wall time on a busy machine. */
  rawOrtTokensPerCpuSec: number;
  batchSize: number;
  threads: number | 'default';
  docs: number;
  realTokens: number;
  /** Share of the fed tokens that were padding. */
  padFraction: number;
  seconds: number;
  machine: Machine;
};

export async function rawOrtTokensPerSec(options: RawOrtOptions = {}): Promise<RawOrtResult> {
  const { batchSize = 8, docs = 256, warmupBatches = 2, dtype = 'fp32' } = options;
  const modelPath =
    options.modelPath ??
    join((await makeTestModels(BENCH_MODELS_DIR)).minilmDir, MODEL_FILES[dtype]);
  const ids = await tokenizeAbstracts(await scifactAbstracts(docs));
  const session = await ort.InferenceSession.create(modelPath, {
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const batches: Array<Record<string, ort.Tensor>> = [];
  let fed = 0;
  for (let start = 0; start < ids.length; start += batchSize) {
    const rows = ids.slice(start, start + batchSize);
    batches.push(padBatch(rows));
    fed += rows.length * Math.max(...rows.map((r) => r.length));
  }
  for (const feeds of batches.slice(0, warmupBatches)) await session.run(feeds);
  const { wallSeconds: seconds, cpuSeconds } = await timeBest(options.passes ?? 1, async () => {
    for (const feeds of batches) await session.run(feeds);
  });
  await session.release();
  const tokens = realTokens(ids);
  return {
    dtype,
    rawOrtTokensPerSec: Math.round(tokens / seconds),
    rawOrtTokensPerCpuSec: Math.round(tokens / cpuSeconds),
    batchSize,
    threads: options.threads ?? 'default',
    docs: ids.length,
    realTokens: tokens,
    padFraction: Math.round((1 - tokens / fed) * 1000) / 1000,
    seconds: Math.round(seconds * 100) / 100,
    machine: machine(),
  };
}

/** Pads a batch to its longest row, as transformers.js does (padding: true). */
function padBatch(rows: number[][]): Record<string, ort.Tensor> {
  const seq = Math.max(...rows.map((r) => r.length));
  const inputIds = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((row, r) =>
    row.forEach((id, c) => {
      inputIds[r * seq + c] = BigInt(id);
      mask[r * seq + c] = 1n;
    }),
  );
  const dims = [rows.length, seq];
  return {
    input_ids: new ort.Tensor('int64', inputIds, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(rows.length * seq), dims),
  };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '8' },
      threads: { type: 'string' },
      docs: { type: 'string', default: '256' },
      passes: { type: 'string', default: '1' },
      embedder: { type: 'boolean', default: false },
      wasm: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      mode: { type: 'string' },
      dtype: { type: 'string', default: 'fp32' },
    },
  });
  if (values.dtype !== 'fp32' && values.dtype !== 'q8')
    throw new Error(`--dtype takes fp32 or q8, not "${values.dtype}"`);
  const dtype: ModelDtype = values.dtype;
  const batchSize = Number(values.batch);
  const docs = Number(values.docs);
  const threads = values.threads ? Number(values.threads) : undefined;
  const passes = Number(values.passes);

  // Internal: the WASM embedder needs a process of its own (one ONNX runtime per thread).
  if (values.mode === 'wasm-embedder') {
    console.log(
      JSON.stringify(
        await embedderTokensPerSec({ backend: 'wasm', batchSize, threads, docs, passes, dtype }),
      ),
    );
    return;
  }
  if (values.sweep) return sweep({ docs, passes, threads, wasm: values.wasm, dtype });

  const raw = await rawOrtTokensPerSec({ batchSize, threads, docs, passes, dtype });
  const result: Record<string, unknown> = { ...raw };
  if (values.embedder) {
    const native = await embedderTokensPerSec({
      backend: 'native',
      batchSize,
      threads,
      docs,
      passes,
      dtype,
    });
    result.embedderTokensPerSec = native.tokensPerSec;
    result.embedderTokensPerCpuSec = native.tokensPerCpuSec;
    result.embedderSortedTokensPerSec = native.sortedTokensPerSec;
    result.embedderVsRaw = Math.round((native.tokensPerSec / raw.rawOrtTokensPerSec) * 100) / 100;
  }
  if (values.wasm) {
    const wasm = await wasmEmbedderTokensPerSec({ batchSize, threads, docs, passes, dtype });
    result.wasmTokensPerSec = wasm.tokensPerSec;
    result.wasmTokensPerCpuSec = wasm.tokensPerCpuSec;
    result.wasmSortedTokensPerSec = wasm.sortedTokensPerSec;
  }
  console.log(JSON.stringify(result));
}

type SweepOptions = {
  docs: number;
  passes: number;
  threads?: number;
  wasm: boolean;
  dtype: ModelDtype;
};

/** Batch size x threads, raw and through the embedder (and WASM with --wasm); a line each. */
async function sweep({ docs, passes, threads: only, wasm, dtype }: SweepOptions): Promise<void> {
  for (const threads of only ? [only] : [1, 2]) {
    for (const batchSize of [1, 4, 8, 16, 32]) {
      const settings = { batchSize, threads, docs, passes, dtype };
      const { machine: host, ...raw } = await rawOrtTokensPerSec(settings);
      const native = await embedderTokensPerSec({ backend: 'native', ...settings });
      const web = wasm ? await wasmEmbedderTokensPerSec(settings) : undefined;
      const line = {
        ...raw,
        embedderTokensPerSec: native.tokensPerSec,
        embedderTokensPerCpuSec: native.tokensPerCpuSec,
        embedderSortedTokensPerSec: native.sortedTokensPerSec,
        ...(web && {
          wasmTokensPerSec: web.tokensPerSec,
          wasmTokensPerCpuSec: web.tokensPerCpuSec,
          wasmSortedTokensPerSec: web.sortedTokensPerSec,
        }),
        loadAvg1m: host.loadAvg1m,
      };
      console.log(JSON.stringify(line));
    }
  }
}

const entry = /raw-ort\.[cm]?[jt]s$/.test(process.argv[1] ?? '') ? process.argv[1] : undefined;
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  await cli();
}
