// npm run bench:chat-llm -- [--runs N] [--max-tokens N] [--threads N] [--context N] [--model PATH] [--json]
// stories260K tokens/s end to end through the embedded provider vs the same model driven directly
// by node-llama-cpp, interleaved in one process, plus event-loop lag while the provider generates.
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EmbeddedProvider } from '../electron/core/providers/embedded-provider';
import { defaultThreads } from '../electron/core/providers/embedded-model';
import { loadLlamaRuntime } from '../electron/core/providers/llama-runtime';
import type { ChatTurn } from '../electron/core/providers/types';

export const STORIES_MODEL = path.resolve(
  import.meta.dirname,
  '../../shared/models/gguf/stories260K.gguf',
);

export type ChatLlmBenchOptions = {
  modelPath?: string;
  runs?: number;
  maxTokens?: number;
  threads?: number;
  contextSize?: number;
  messages?: ChatTurn[];
  log?: (line: string) => void;
};

type Run = { tokens: number; ms: number; firstTokenMs: number; tokensPerSec: number };
type Side = { runs: Run[]; medianTokensPerSec: number; medianFirstTokenMs: number };
type Lag = { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };

export type ChatLlmBenchResult = {
  bench: 'chat-llm';
  model: string;
  runs: number;
  maxTokens: number;
  threads: number;
  contextSize: number;
  embedded: Side;
  direct: Side;
  /** embedded / direct median tokens per second (1.0 = no overhead). */
  ratio: number;
  eventLoopLag: { embedded: Lag; direct: Lag; idle: Lag };
  machine: ReturnType<typeof machineInfo>;
};

const DEFAULT_MESSAGES: ChatTurn[] = [
  { role: 'system', content: 'You tell short stories for children.' },
  { role: 'user', content: 'Once upon a time, there was a little girl named Lily. Tell me more.' },
];

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const side = (runs: Run[]): Side => ({
  runs,
  medianTokensPerSec: round(median(runs.map((r) => r.tokensPerSec))),
  medianFirstTokenMs: round(median(runs.map((r) => r.firstTokenMs))),
});
const lagOf = (h: IntervalHistogram): Lag => ({
  p50Ms: round(h.percentile(50) / 1e6, 2),
  p99Ms: round(h.percentile(99) / 1e6, 2),
  maxMs: round(h.max / 1e6, 2),
  meanMs: round(h.mean / 1e6, 2),
});

export async function benchChatLlm(options: ChatLlmBenchOptions = {}): Promise<ChatLlmBenchResult> {
  const modelPath = options.modelPath ?? STORIES_MODEL;
  const runs = options.runs ?? 9;
  const maxTokens = options.maxTokens ?? 256;
  const contextSize = options.contextSize ?? 2048;
  const messages = options.messages ?? DEFAULT_MESSAGES;
  const log = options.log ?? (() => {});
  const { mod, llama } = await loadLlamaRuntime();
  const threads = options.threads ?? defaultThreads(llama.cpuMathCores);

  // One sequence, and a fresh session key per run: neither side reuses a KV cache.
  const provider = new EmbeddedProvider({ modelPath, contextSize, threads, sequences: 1 });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, sequences: 1, threads });
  const wrapper = new mod.GeneralChatWrapper();
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const question = messages[messages.length - 1]?.content ?? '';

  const lag = {
    embedded: monitorEventLoopDelay({ resolution: 1 }),
    direct: monitorEventLoopDelay({ resolution: 1 }),
    // The same process doing nothing: separates generation's lag from the machine's own load.
    idle: monitorEventLoopDelay({ resolution: 1 }),
  };
  let runId = 0;

  async function viaProvider(measure: boolean): Promise<Run> {
    const started = performance.now();
    let firstTokenMs = 0;
    if (measure) lag.embedded.enable();
    const stream = provider.stream({
      messages,
      maxTokens,
      temperature: 0,
      signal: new AbortController().signal,
      sessionKey: `bench-${runId++}`,
    });
    let step = await stream.next();
    while (!step.done) {
      firstTokenMs ||= performance.now() - started;
      step = await stream.next();
    }
    const ms = performance.now() - started;
    if (measure) lag.embedded.disable();
    const tokens = step.value.usage.completionTokens;
    return {
      tokens,
      ms: round(ms),
      firstTokenMs: round(firstTokenMs),
      tokensPerSec: round((tokens / ms) * 1000),
    };
  }

  async function direct(measure: boolean): Promise<Run> {
    const started = performance.now();
    let firstTokenMs = 0;
    if (measure) lag.direct.enable();
    const sequence = context.getSequence();
    const session = new mod.LlamaChatSession({ contextSequence: sequence, chatWrapper: wrapper });
    session.setChatHistory(system ? [{ type: 'system', text: system }] : []);
    const before = sequence.tokenMeter.getState();
    await session.promptWithMeta(question, {
      maxTokens,
      temperature: 0,
      onTextChunk: () => {
        firstTokenMs ||= performance.now() - started;
      },
    });
    const tokens = sequence.tokenMeter.diff(before).usedOutputTokens;
    session.dispose();
    sequence.dispose();
    const ms = performance.now() - started;
    if (measure) lag.direct.disable();
    return {
      tokens,
      ms: round(ms),
      firstTokenMs: round(firstTokenMs),
      tokensPerSec: round((tokens / ms) * 1000),
    };
  }

  await viaProvider(false); // warm-up: model load and first-evaluation costs stay out of the numbers
  await direct(false);
  lag.idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  lag.idle.disable();
  const embeddedRuns: Run[] = [];
  const directRuns: Run[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate the order so drift in machine load hits both sides alike.
    if (i % 2 === 0) {
      embeddedRuns.push(await viaProvider(true));
      directRuns.push(await direct(true));
    } else {
      directRuns.push(await direct(true));
      embeddedRuns.push(await viaProvider(true));
    }
    log(
      `run ${i + 1}/${runs}: embedded ${embeddedRuns.at(-1)?.tokensPerSec} tok/s, direct ${directRuns.at(-1)?.tokensPerSec} tok/s`,
    );
  }
  await provider.dispose();
  await context.dispose();
  await model.dispose();

  const embedded = side(embeddedRuns);
  const directSide = side(directRuns);
  return {
    bench: 'chat-llm',
    model: path.basename(modelPath),
    runs,
    maxTokens,
    threads,
    contextSize,
    embedded,
    direct: directSide,
    ratio: round(embedded.medianTokensPerSec / directSide.medianTokensPerSec, 3),
    eventLoopLag: {
      embedded: lagOf(lag.embedded),
      direct: lagOf(lag.direct),
      idle: lagOf(lag.idle),
    },
    machine: machineInfo(),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      'max-tokens': { type: 'string' },
      threads: { type: 'string' },
      context: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const log = (line: string) =>
    values.json ? process.stderr.write(`${line}\n`) : console.log(line);
  const result = await benchChatLlm({
    modelPath: values.model,
    runs: num(values.runs),
    maxTokens: num(values['max-tokens']),
    threads: num(values.threads),
    contextSize: num(values.context),
    log,
  });
  if (!values.json) {
    log(
      `embedded median ${result.embedded.medianTokensPerSec} tok/s, direct median ${result.direct.medianTokensPerSec} tok/s, ratio ${result.ratio}`,
    );
    log(
      `event-loop lag during embedded generation: p50 ${result.eventLoopLag.embedded.p50Ms} ms, p99 ${result.eventLoopLag.embedded.p99Ms} ms, max ${result.eventLoopLag.embedded.maxMs} ms`,
    );
  }
  console.log(JSON.stringify(result));
}

if (
  process.argv[1] &&
  /chat-llm\.[cm]?[jt]s$/.test(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
