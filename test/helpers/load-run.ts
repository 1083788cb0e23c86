// Concurrent chats over real SSE while a library of small documents indexes: used by the load
// test (which checks the streams) and by `npm run bench:load` (which also judges the lag).
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StreamEvent } from '../../shared/events';
import { startOpenAiWireServer } from './provider-servers/openai-wire-server';
import type { QuireCore } from '../../electron/core/quire-core';
import { startHttpServer } from '../../electron/core/server/http-server';
import { makeTestCore, writeNotes } from './library-fixtures';
import { openSse } from './sse-client';
import { waitFor } from './temp-dir';

export type LoadOptions = {
  dir: string;
  documents: number;
  chats: number;
  /** Tokens per answer, and the provider's pause between them. */
  tokens: number;
  tokenDelayMs: number;
  /** Keep starting waves of `chats` until indexing is done (the benchmark), or run one wave. */
  untilIndexed: boolean;
  poolSize?: number;
};

export type ChatOutcome = {
  seqs: number[];
  types: string[];
  text: string;
  completionTokens: number | null;
};

export type LoadReport = {
  expectedText: string;
  expectedTokens: number;
  chats: ChatOutcome[];
  /** Provider side: tokens written per request, and whether any client hung up early. */
  providerSent: number[];
  providerClosedEarly: number;
  /** Documents still indexing when the first wave of chats started. */
  indexingWhenChatsStarted: number;
  documents: { ready: number; failed: number; other: number };
  /** Coordinating-thread event-loop delay, sampled every 1 ms (the figures include that 1 ms). */
  lagMs: { p50: number; p99: number; max: number; mean: number };
  hubEvents: number;
  sseEvents: number;
  durationMs: number;
};

const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;

/** Word-sized tokens with a space before all but the first, as a model streams them. */
export function answerTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${i === 0 ? '' : ' '}w${i}`);
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const tokens = answerTokens(options.tokens);
  const wire = await startOpenAiWireServer();
  wire.setBehaviour({ type: 'stream', tokens, delayMs: options.tokenDelayMs });
  let core: QuireCore | null = null;
  let server: Awaited<ReturnType<typeof startHttpServer>> | null = null;
  try {
    core = await makeTestCore(path.join(options.dir, 'data'), {
      transport: 'http',
      keychain: false,
      poolSize: options.poolSize ?? 1,
      providerOverride: { kind: 'ollama', baseUrl: `${wire.url}/v1`, model: 'tiny-model' },
    });
    const c = core;
    server = await startHttpServer({ dispatch: c.dispatch, hub: c.hub, rendererDir: null });
    const s = server;
    const headers = { authorization: `Bearer ${s.token}` };
    const call = async <T>(method: string, args: unknown): Promise<T> => {
      const response = await fetch(`${s.url}/api/${method.replace('.', '/')}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(args),
      });
      const body = (await response.json()) as { ok: boolean; value?: T; error?: unknown };
      if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.value as T;
    };

    const files = writeNotes(path.join(options.dir, 'docs'), options.documents);
    let hubEvents = 0;
    const stopCounting = c.hub.onAnyEvent(() => hubEvents++);
    const lag = monitorEventLoopDelay({ resolution: 1 });
    const started = performance.now();
    lag.enable();

    await call('library.add', { paths: files });
    const unsettled = () =>
      c.library.documents().filter((d) => d.status !== 'ready' && d.status !== 'failed').length;
    const indexingWhenChatsStarted = unsettled();

    const chats: ChatOutcome[] = [];
    const runChat = async (n: number): Promise<ChatOutcome> => {
      const sent = await call<{ stream: string }>('chat.send', {
        text: `What do the notes say about river ${n % 5} and topic ${n % 13}?`,
        // Chats start while the library is still indexing: answer from whatever is there.
        answerAnyway: true,
      });
      // Last-Event-ID 0 replays from the first event, so every event is accounted for.
      const sse = openSse(`${s.url}/api/streams/${encodeURIComponent(sent.stream)}`, {
        ...headers,
        'last-event-id': '0',
      });
      const done = (e: StreamEvent) => e.type === 'message.end' || e.type === 'message.error';
      await waitFor(() => sse.events.some(done), 600_000, 10);
      sse.destroy();
      const end = sse.events.find((e) => e.type === 'message.end');
      return {
        seqs: sse.events.map((e) => e.seq),
        types: sse.events.map((e) => e.type),
        text: sse.events.map((e) => (e.type === 'message.delta' ? e.data.text : '')).join(''),
        completionTokens: end?.type === 'message.end' ? end.data.usage.completionTokens : null,
      };
    };
    let wave = 0;
    do {
      const base = wave++ * options.chats;
      chats.push(
        ...(await Promise.all(Array.from({ length: options.chats }, (_, i) => runChat(base + i)))),
      );
    } while (options.untilIndexed && unsettled() > 0);
    await c.library.whenIdle();
    lag.disable();
    const durationMs = performance.now() - started;
    stopCounting();

    const docs = c.library.documents();
    const ready = docs.filter((d) => d.status === 'ready').length;
    const failed = docs.filter((d) => d.status === 'failed').length;
    return {
      expectedText: tokens.join(''),
      expectedTokens: tokens.length,
      chats,
      providerSent: wire.requests
        .filter((r) => r.path === '/v1/chat/completions')
        .map((r) => r.sent),
      providerClosedEarly: wire.requests.filter((r) => r.closedEarly).length,
      indexingWhenChatsStarted,
      documents: { ready, failed, other: docs.length - ready - failed },
      lagMs: {
        p50: ms(lag.percentile(50)),
        p99: ms(lag.percentile(99)),
        max: ms(lag.max),
        mean: ms(lag.mean),
      },
      hubEvents,
      sseEvents: chats.reduce((n, chat) => n + chat.seqs.length, 0),
      durationMs: Math.round(durationMs),
    };
  } finally {
    await server?.close();
    await core?.close();
    await wire.close();
    fs.rmSync(path.join(options.dir, 'docs'), { recursive: true, force: true });
  }
}
