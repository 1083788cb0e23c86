// npm run bench:load -- [--json] [--docs N] [--chats N] [--tokens N] [--token-delay MS]
// Waves of concurrent chats over real SSE on loopback (a local OpenAI-compatible server) while
// a library of small documents indexes. Prints the coordinating thread's event-loop lag,
// events/s and machine info; checks every stream; exits 1 if lag p99 >= 50 ms or a check fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPoolSize } from '../electron/core/indexing/worker-pool';
import { runLoad, type LoadReport } from '../test/helpers/load-run';

const LAG_P99_LIMIT_MS = 50;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    docs: { type: 'string', default: '500' },
    chats: { type: 'string', default: '10' },
    tokens: { type: 'string', default: '300' },
    'token-delay': { type: 'string', default: '5' },
  },
});

/** Stream checks: contiguous seq from 1, one terminal event, all text and every token counted. */
function streamProblems(report: LoadReport): string[] {
  const problems: string[] = [];
  report.chats.forEach((chat, i) => {
    if (chat.seqs.some((seq, k) => seq !== k + 1)) problems.push(`chat ${i}: seq not contiguous`);
    if (chat.types.at(-1) !== 'message.end')
      problems.push(`chat ${i}: ended with ${chat.types.at(-1)}`);
    if (chat.text !== report.expectedText)
      problems.push(`chat ${i}: text differs from what was sent`);
    if (chat.completionTokens !== report.expectedTokens)
      problems.push(`chat ${i}: ${chat.completionTokens} of ${report.expectedTokens} tokens`);
  });
  if (report.providerSent.some((n) => n !== report.expectedTokens))
    problems.push('the provider did not send every token');
  if (report.documents.ready + report.documents.failed !== Number(values.docs))
    problems.push(`documents not settled: ${JSON.stringify(report.documents)}`);
  return problems;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-load-'));
try {
  const cpus = os.cpus();
  const report = await runLoad({
    dir,
    documents: Number(values.docs),
    chats: Number(values.chats),
    tokens: Number(values.tokens),
    tokenDelayMs: Number(values['token-delay']),
    untilIndexed: true,
    poolSize: defaultPoolSize(),
  });
  const problems = streamProblems(report);
  const seconds = report.durationMs / 1000;
  const result = {
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      loadAvg: os.loadavg().map((n) => Math.round(n * 100) / 100),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    documents: report.documents,
    chats: report.chats.length,
    indexingWhenChatsStarted: report.indexingWhenChatsStarted,
    durationMs: report.durationMs,
    lagMs: report.lagMs,
    hubEventsPerSecond: Math.round(report.hubEvents / seconds),
    sseEventsPerSecond: Math.round(report.sseEvents / seconds),
    streamProblems: problems,
    pass: problems.length === 0 && report.lagMs.p99 < LAG_P99_LIMIT_MS,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    const m = result.machine;
    console.log(`machine: ${m.cpu}, ${m.cores} cores, load ${m.loadAvg.join(' ')}, node ${m.node}`);
    console.log(
      `${result.chats} chats in waves of ${values.chats} while ${values.docs} documents indexed ` +
        `(${result.indexingWhenChatsStarted} still queued when the first wave started), ${result.durationMs} ms`,
    );
    console.log(
      `event-loop lag (coordinating thread): p50 ${report.lagMs.p50} ms, p99 ${report.lagMs.p99} ms, ` +
        `max ${report.lagMs.max} ms, mean ${report.lagMs.mean} ms (limit p99 < ${LAG_P99_LIMIT_MS} ms)`,
    );
    console.log(
      `events: ${result.hubEventsPerSecond}/s published, ${result.sseEventsPerSecond}/s delivered over SSE`,
    );
    console.log(
      problems.length
        ? `stream problems:\n  ${problems.join('\n  ')}`
        : 'streams: all complete and contiguous',
    );
    console.log(result.pass ? 'PASS' : 'FAIL');
  }
  process.exitCode = result.pass ? 0 : 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
