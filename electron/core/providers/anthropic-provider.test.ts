import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionSecretStore } from '../secrets/session-secret-store';
import { AnthropicProvider, toAnthropicMessages } from './anthropic-provider';
import {
  anthropicErrors,
  startAnthropicWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/anthropic-wire-server';
import { collectStream } from '../../../test/helpers/provider-servers/collect-stream';
import { itSurvivesWireFaults } from '../../../test/helpers/provider-servers/wire-fault-cases';
import type { ChatTurn, ProviderTimeouts } from './types';

const KEY = 'sk-ant-api03-SECRET-anthropic-key-abcdef';
const MESSAGES: ChatTurn[] = [
  { role: 'system', content: 'Answer from the sources [1].' },
  { role: 'user', content: 'First question' },
  { role: 'assistant', content: 'First answer' },
  { role: 'user', content: 'Follow-up?' },
];
const TOKENS = ['Claude', ' says', ' hello', '.'];

let server: WireServer;
beforeAll(async () => {
  server = await startAnthropicWireServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.setBehaviour({ type: 'stream', tokens: TOKENS });
});

async function provider(options: { key?: string | null; timeouts?: ProviderTimeouts } = {}) {
  const secrets = new SessionSecretStore();
  if (options.key !== null) await secrets.set('anthropic', options.key ?? KEY);
  return new AnthropicProvider({
    baseUrl: server.url,
    model: 'claude-test-1',
    secrets,
    timeouts: options.timeouts,
  });
}
const signal = () => new AbortController().signal;
const messageRequests = () => server.requests.filter((r) => r.path === '/v1/messages');

describe('Anthropic provider against the wire-format server', () => {
  itSurvivesWireFaults({
    server: () => server,
    provider,
    answerRequests: messageRequests,
    messages: MESSAGES,
    tokens: TOKENS,
  });

  it('streams text deltas, reads usage, and sends system + messages', async () => {
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, maxTokens: 300, signal: signal() }),
    );
    expect(out.error).toBeUndefined();
    expect(out.deltas).toEqual(TOKENS);
    expect(out.result?.finishReason).toBe('stop');
    expect(out.result?.usage.completionTokens).toBe(TOKENS.length);
    expect(out.result?.usage.promptTokens).toBeGreaterThan(0);
    const [req] = messageRequests();
    expect(req?.body).toEqual({
      model: 'claude-test-1',
      max_tokens: 300,
      stream: true,
      system: 'Answer from the sources [1].',
      messages: MESSAGES.slice(1),
    });
    // This SDK sends the key as a bearer token; older ones used x-api-key. Either must carry it.
    const sent = [req?.headers['x-api-key'], req?.headers.authorization].join(' ');
    expect(sent).toContain(KEY);
    expect(req?.headers['anthropic-version']).toBeTruthy();
  });

  it('maps stop_reason max_tokens to length', async () => {
    server.setBehaviour({ type: 'stream', tokens: ['a'], finish: 'length' });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: signal() }),
    );
    expect(out.result?.finishReason).toBe('length');
  });

  it('asks for a key before calling the API', async () => {
    const p = new AnthropicProvider({ model: 'claude-test-1', secrets: new SessionSecretStore() });
    const out = await collectStream(p.stream({ messages: MESSAGES, signal: signal() }));
    expect(out.error).toMatchObject({ code: 'key_missing' });
    expect(await p.test()).toMatchObject({ ok: false, code: 'key_missing' });
  });

  it.each([
    ['401 authentication_error', anthropicErrors.authentication, 'auth', false],
    ['429 rate_limit_error', anthropicErrors.rateLimited, 'rate_limit', true],
    ['529 overloaded_error', anthropicErrors.overloaded, 'rate_limit', true],
    ['400 prompt is too long', anthropicErrors.promptTooLong, 'context_length', false],
  ] as const)('maps HTTP %s', async (_name, error, code, retryable) => {
    server.setBehaviour({ type: 'http-error', ...error });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: signal() }),
    );
    expect(out.error).toMatchObject({ code, retryable });
    expect(out.error?.message).not.toContain(KEY);
    if (code === 'rate_limit' && error.status === 429)
      expect(out.error?.message).toContain('30 seconds');
  });

  it('maps an in-stream overloaded_error event to a retryable rate_limit', async () => {
    server.setBehaviour({
      type: 'stream-error',
      tokens: TOKENS,
      after: 2,
      error: anthropicErrors.streamOverloaded,
    });
    const out = await collectStream(
      (await provider()).stream({ messages: MESSAGES, signal: signal() }),
    );
    expect(out.deltas).toEqual(TOKENS.slice(0, 2));
    expect(out.error).toMatchObject({ code: 'rate_limit', retryable: true });
  });

  it('test() lists models with the key', async () => {
    expect(await (await provider()).test()).toMatchObject({ ok: true });
    server.requests.length = 0;
    const result = await (await provider()).test();
    expect(result.ok).toBe(true);
    expect(server.requests[0]?.path).toBe('/v1/models');
  });
});

describe('toAnthropicMessages', () => {
  it('moves system turns out, merges same-role turns, drops a leading assistant turn', () => {
    expect(
      toAnthropicMessages([
        { role: 'system', content: 'A' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'system', content: 'B' },
        { role: 'assistant', content: '' },
      ]),
    ).toEqual({ system: 'A\n\nB', messages: [{ role: 'user', content: 'one\n\ntwo' }] });
  });
});
