// npm run bench:chat -- [--json] [--runs N]
// firstEventMs, delta latency over real SSE on loopback, retrieval at 100k chunks (ANN vs exact),
// and stories260K tokens/s through the whole chat pipeline vs node-llama-cpp directly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatProvider } from '../electron/core/chat/chat-types';
import { createQuireCore } from '../electron/core/quire-core';
import { startHttpServer } from '../electron/core/server/http-server';
import { openSse } from '../test/helpers/sse-client';
import { makeTestModels } from '../scripts/make-test-models';
import { benchChatLlm, machineInfo, STORIES_MODEL } from './chat-llm';
import { BENCH_MODELS_DIR } from './raw-ort-texts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '7' },
    'skip-ann': { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const round = (x: number) => Math.round(x * 100) / 100;

/** Records when each token left the provider, by cumulative text length. */
let lastMessages: { role: 'system' | 'user' | 'assistant'; content: string }[] | null = null;

function timed(yields: { end: number; at: number }[]) {
  return (provider: ChatProvider | null): ChatProvider | null => {
    if (!provider) return null;
    return {
      kind: provider.kind,
      model: provider.model,
      contextSize: () => provider.contextSize(),
      countTokens: (t) => provider.countTokens(t),
      async *stream(request) {
        lastMessages = request.messages;
        const inner = provider.stream(request);
        let length = 0;
        for (;;) {
          const next = await inner.next();
          if (next.done) return next.value;
          length += next.value.length;
          yields.push({ end: length, at: performance.now() });
          yield next.value;
        }
      },
    };
  };
}

async function main() {
  const runs = Number(values.runs);
  const models = (await makeTestModels(BENCH_MODELS_DIR)).modelsDir;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-chat-'));
  const docs = path.join(dataDir, 'docs');
  fs.mkdirSync(docs);
  for (let i = 0; i < 20; i++)
    fs.writeFileSync(
      path.join(docs, `n${i}.md`),
      `# Note ${i}\n\nRiver ${i % 4} floods in spring; the dam ${i} holds ${i * 10} tonnes.\n`,
    );
  const yields: { end: number; at: number }[] = [];
  const core = await createQuireCore(
    {
      dataDir,
      modelDir: models,
      embeddingModel: 'quire-test/bow',
      embeddingBackend: 'native',
      providerOverride: { kind: 'embedded', modelPath: STORIES_MODEL },
      logger: { error: (m) => log(m), warn: () => {} },
    },
    { keychain: false, wrapProvider: timed(yields) },
  );
  await core.library.add([docs]);
  await core.library.whenIdle();
  const server = await startHttpServer({
    dispatch: core.dispatch,
    hub: core.hub,
    rendererDir: null,
  });
  const auth = { authorization: `Bearer ${server.token}` };

  const firstEvent: number[] = [];
  const deltaLatency: number[] = [];
  const pipelineTps: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    yields.length = 0;
    const t0 = performance.now();
    const response = await fetch(`${server.url}/api/chat/send`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: `How much does dam ${run} hold?` }),
    });
    const sent = (await response.json()) as { ok: true; value: { stream: string } };
    let cumulative = 0;
    let firstAt = 0;
    const received: { end: number; at: number }[] = [];
    let ended = false;
    let endTokens = 0;
    let firstDeltaAt = 0;
    let endAt = 0;
    const sse = openSse(
      `${server.url}/api/streams/${sent.value.stream}`,
      { ...auth, 'last-event-id': '0' },
      (event) => {
        const now = performance.now();
        firstAt ||= now;
        if (event.type === 'message.delta') {
          cumulative += event.data.text.length;
          received.push({ end: cumulative, at: now });
          firstDeltaAt ||= now;
        }
        if (event.type === 'message.end' || event.type === 'message.error') {
          ended = true;
          endAt = now;
          if (event.type === 'message.end') endTokens = event.data.usage.completionTokens;
        }
      },
    );
    while (!ended) await new Promise((r) => setTimeout(r, 5));
    sse.destroy();
    if (run === 0) continue; // warm-up: loads the models
    firstEvent.push(firstAt - t0);
    let j = 0;
    for (const y of yields) {
      while (j < received.length && received[j]!.end < y.end) j++;
      if (j < received.length) deltaLatency.push(received[j]!.at - y.at);
    }
    if (endTokens > 1 && endAt > firstDeltaAt)
      pipelineTps.push(((endTokens - 1) / (endAt - firstDeltaAt)) * 1000);
  }
  await server.close();
  await core.close();

  log('measuring node-llama-cpp directly…');
  // The same prompt the pipeline sent (sources included), so both sides do the same work.
  const direct = await benchChatLlm({
    runs,
    maxTokens: 256,
    ...(lastMessages ? { messages: lastMessages } : {}),
  });

  let ann: Record<string, unknown> | null = null;
  if (!values['skip-ann']) {
    log('measuring retrieval at 100k chunks (this takes a few minutes)…');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.resolve(import.meta.dirname, 'retrieval-ann.ts')],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    const text = child.stdout.trim();
    try {
      ann = JSON.parse(text.slice(text.lastIndexOf('\n{') + 1)) as Record<string, unknown>;
    } catch {
      try {
        ann = JSON.parse(text) as Record<string, unknown>;
      } catch {
        ann = {
          error: 'could not read the retrieval benchmark output',
          stderr: child.stderr.slice(-500),
        };
      }
    }
  }
  const best = (ann?.best ?? ann?.chosen ?? null) as Record<string, number> | null;
  const directTps = direct.direct.medianTokensPerSec;
  const pipelineMedian = median(pipelineTps);
  const summary = {
    firstEventMs: round(median(firstEvent)),
    deltaLatencyP50Ms: round(pct(deltaLatency, 0.5)),
    deltaLatencyP99Ms: round(pct(deltaLatency, 0.99)),
    retrievalP50Ms: best?.p50Ms ?? null,
    recallVsExact: best?.recallAt10 ?? null,
    tokensPerSec: round(pipelineMedian),
    directTokensPerSec: round(directTps),
    ratio: round(pipelineMedian / directTps),
    runs,
    deltasMeasured: deltaLatency.length,
    machine: machineInfo(),
    direct,
    ann,
  };
  console.log(JSON.stringify(summary));
}

await main();
process.exit(0);
