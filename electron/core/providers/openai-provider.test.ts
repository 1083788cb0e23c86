import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionSecretStore } from '../secrets/session-secret-store';
import { OpenAiCompatibleProvider } from './openai-provider';
import { collectStream } from '../../../test/helpers/provider-servers/collect-stream';
import { itSurvivesWireFaults } from '../../../test/helpers/provider-servers/wire-fault-cases';
import {
  openAiErrors,
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import type { ChatTurn, ProviderTimeouts } from './types';

const KEY = 'sk-test-SECRET-openai-key-0123456789';
const MESSAGES: ChatTurn[] = [
  { role: 'system', content: 'Answer from the sources.' },
  { role: 'user', content: 'What is Quire?' },
];
const TOKENS = ['Quire', ' is', ' a', ' desktop', ' app', '.'];

let server: WireServer;
beforeAll(async () => {
  server = await startOpenAiWireServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.setBehaviour({ type: 'stream', tokens: TOKENS });
});

async function provider(
  options: {
    kind?: 'openai' | 'ollama';
    key?: string | null;
    timeouts?: ProviderTimeouts;
    baseUrl?: string;
  } = {},
) {
  const secrets = new SessionSecretStore();
  if (options.key !== null)
    await secrets.set(options.kind === 'ollama' ? 'ollama' : 'openai', options.key ?? KEY);
  return new OpenAiCompatibleProvider({
    kind: options.kind ?? 'openai',
    baseUrl: options.baseUrl ?? `${server.url}/v1`,
    model: 'tiny-model',
    secrets,
    timeouts: options.timeouts,
  });
}

const chatRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions');

describe('OpenAI-compatible provider against the wire-format server', () => {
  itSurvivesWireFaults({
    server: () => server,
    provider,
    answerRequests: chatRequests,
    messages: MESSAGES,
    tokens: TOKENS,
  });

  it('streams deltas, reads usage, and sends the documented request', async () => {
    const p = await provider();
    const out = await collectStream(
      p.stream({
        messages: MESSAGES,
        maxTokens: 64,
        temperature: 0.2,
        signal: new AbortController().signal,
      }),
    );
    expect(out.error).toBeUndefined();
    expect(out.text).toBe('Quire is a desktop app.');
    expect(out.deltas).toEqual(TOKENS);
    expect(out.result).toEqual({
      finishReason: 'stop',
      usage: { promptTokens: 7, completionTokens: TOKENS.length },
    });
    const [req] = chatRequests();
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.body).toMatchObject({
      model: 'tiny-model',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
      temperature: 0.2,
    });
  });

  it('reports finish_reason length', async () => {
    server.setBehaviour({ type: 'stream', tokens: ['a', 'b'], finish: 'length' });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.result?.finishReason).toBe('length');
  });

  it('needs no key for a loopback server and sends a placeholder', async () => {
    const p = await provider({ kind: 'ollama', key: null });
    const out = await collectStream(
      p.stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.text).toBe(TOKENS.join(''));
    expect(chatRequests()[0]?.headers.authorization).toBe('Bearer quire-local-no-key');
  });

  it('asks for a key before calling a remote server', async () => {
    const p = await provider({ key: null, baseUrl: 'https://api.example.com/v1' });
    const out = await collectStream(
      p.stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.error).toMatchObject({ code: 'key_missing', retryable: false });
    expect(out.error?.message).toContain('api.example.com');
    expect(await p.test()).toMatchObject({ ok: false, code: 'key_missing' });
  });

  it('sends max_completion_tokens to api.openai.com', async () => {
    const secrets = new SessionSecretStore();
    await secrets.set('openai', KEY);
    const redirect: typeof fetch = (input, init) =>
      fetch(
        String(input instanceof Request ? input.url : input).replace(
          'https://api.openai.com',
          server.url,
        ),
        init,
      );
    const p = new OpenAiCompatibleProvider({
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      secrets,
      fetch: redirect,
    });
    await collectStream(
      p.stream({ messages: MESSAGES, maxTokens: 99, signal: new AbortController().signal }),
    );
    const body = chatRequests()[0]?.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(99);
    expect(body.max_tokens).toBeUndefined();
    expect(await p.contextSize()).toBe(128_000);
  });

  it.each([
    ['401 invalid key', openAiErrors.invalidKey(KEY), 'auth', false],
    ['429 rate limit', openAiErrors.rateLimited, 'rate_limit', true],
    ['400 context_length_exceeded', openAiErrors.contextLength, 'context_length', false],
    ['404 model not found', openAiErrors.modelNotFound, 'model_unavailable', false],
    [
      '503 server error',
      { status: 503, body: { error: { message: 'busy', type: 'server_error' } } },
      'unreachable',
      true,
    ],
    [
      '400 other',
      {
        status: 400,
        body: { error: { message: `bad param, key ${KEY}`, type: 'invalid_request_error' } },
      },
      'bad_response',
      false,
    ],
  ] as const)('maps HTTP %s', async (_name, error, code, retryable) => {
    server.setBehaviour({ type: 'http-error', ...error });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.error).toMatchObject({ code, retryable });
    expect(out.error?.message).not.toContain(KEY);
    expect(out.error?.message).not.toMatch(/sk-[A-Za-z0-9]/);
    if (code === 'rate_limit') expect(out.error?.message).toContain('20 seconds');
  });

  it('maps an error event inside the stream', async () => {
    server.setBehaviour({
      type: 'stream-error',
      tokens: TOKENS,
      after: 2,
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
    });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.deltas).toEqual(TOKENS.slice(0, 2));
    expect(out.error).toMatchObject({ code: 'rate_limit', retryable: true });
  });

  it('a consumer that stops reading closes the upstream connection', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ` t${i}`);
    server.setBehaviour({ type: 'stream', tokens: many, delayMs: 20 });
    await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: new AbortController().signal }),
      () => 'stop',
    );
    const req = chatRequests()[0];
    await req?.closed;
    expect(req?.closedEarly).toBe(true);
  });

  it('an already-aborted signal returns cancelled without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: controller.signal }),
    );
    expect(out.result?.finishReason).toBe('cancelled');
    expect(chatRequests()).toHaveLength(0);
  });

  it('a refused connection is unreachable, in plain words for Ollama', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const p = await provider({ kind: 'ollama', key: null, baseUrl: `http://127.0.0.1:${port}/v1` });
    const out = await collectStream(
      p.stream({ messages: MESSAGES, signal: new AbortController().signal }),
    );
    expect(out.error).toMatchObject({ code: 'unreachable', retryable: true });
    expect(out.error?.message).toBe(
      `Ollama is not running at http://127.0.0.1:${port}. Start it, or pick another model in Settings.`,
    );
    expect(await p.test()).toMatchObject({ ok: false, code: 'unreachable' });
  });

  it('test() lists models: Ollama tags, missing model, and /v1/models', async () => {
    const ollama = await provider({ kind: 'ollama', key: null });
    expect(await ollama.test()).toMatchObject({ ok: true });
    expect(server.requests.some((r) => r.path === '/api/tags')).toBe(true);
    const missing = new OpenAiCompatibleProvider({
      kind: 'ollama',
      baseUrl: `${server.url}/v1`,
      model: 'mistral',
      secrets: new SessionSecretStore(),
    });
    expect(await missing.test()).toMatchObject({ ok: false, code: 'model_unavailable' });
    const openai = await provider();
    const result = await openai.test();
    expect(result).toMatchObject({ ok: true });
    expect(server.requests.some((r) => r.path === '/v1/models')).toBe(true);
    server.setBehaviour({ type: 'http-error', ...openAiErrors.invalidKey(KEY) });
  });
});
