// What a real llama.cpp llama-server or Ollama says, and what Quire tells the user about it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { SessionSecretStore } from '../secrets/session-secret-store';
import { OpenAiCompatibleProvider } from './openai-provider';
import { estimateTokens } from './stream-guard';
import { collectStream } from '../../../test/helpers/provider-servers/collect-stream';
import {
  denseTokenCount,
  llamaPromptTokens,
  openAiErrors,
  startOpenAiWireServer,
  type ServerFlavour,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';

const MESSAGES = [
  { role: 'system' as const, content: 'Answer from the sources.' },
  { role: 'user' as const, content: 'What is Quire?' },
];

let server: WireServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function providerFor(
  flavour: ServerFlavour,
  options: { kind?: 'openai' | 'ollama'; contextSize?: number } = {},
) {
  server = await startOpenAiWireServer(flavour);
  return new OpenAiCompatibleProvider({
    kind: options.kind ?? 'openai',
    baseUrl: `${server.url}/v1`,
    model: 'tiny-model',
    secrets: new SessionSecretStore(),
    ...(options.contextSize ? { contextSize: options.contextSize } : {}),
  });
}

async function failureOf(provider: OpenAiCompatibleProvider) {
  const collected = await collectStream(
    provider.stream({ messages: MESSAGES, signal: new AbortController().signal }),
  );
  expect(collected.error).toBeDefined();
  return collected.error!;
}

describe('llama-server errors in plain words', () => {
  it('a prompt over its context names both sizes and a size that holds it, not "a shorter question"', async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048 } });
    server!.setBehaviour({ type: 'http-error', ...openAiErrors.llamaContextExceeded });
    const error = await failureOf(provider);
    expect(error.code).toBe('context_length');
    expect(error.message).toContain('2,048 tokens');
    expect(error.message).toContain('3,996');
    // 3,996 tokens and a 512-token answer: 5,120 holds them; "2,048 or less" would not.
    expect(error.message).toContain('--ctx-size 5120');
    expect(error.message).not.toMatch(/or less|shorter question/i);
    // What the server said is kept: later prompts are fitted to its context.
    expect(await provider.contextSize()).toBe(2048);
  });

  it('HTTP 501 says the server does not support the request, and is not "try again"', async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048 } });
    server!.setBehaviour({ type: 'http-error', ...openAiErrors.llamaNotSupported });
    const error = await failureOf(provider);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('does not support');
    expect(error.message).not.toMatch(/try again/i);
  });

  it('a 404 for a wrong path blames the address, not the model name', async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048 } });
    server!.setBehaviour({ type: 'http-error', ...openAiErrors.llamaNotFound });
    const error = await failureOf(provider);
    expect(error.message).toContain('address');
    expect(error.message).not.toContain('tiny-model');
    expect(error.message).not.toMatch(/model name/i);
  });

  it('a 200 with an HTML page says the address is a web page, not that the connection dropped', async () => {
    const provider = await providerFor({});
    server!.setBehaviour({ type: 'web-page' });
    const error = await failureOf(provider);
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('web page');
    expect(error.message).not.toMatch(/dropped/i);
  });
});

describe('context size from the server', () => {
  it("reads llama-server's /props n_ctx once", async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048 } });
    expect(await provider.contextSize()).toBe(2048);
    expect(await provider.contextSize()).toBe(2048);
    expect(server!.requests.filter((r) => r.path === '/props')).toHaveLength(1);
  });

  it("reads Ollama's num_ctx from /api/show, or its default capped by what the model was trained on", async () => {
    const withNumCtx = await providerFor(
      { ollama: { numCtx: 8192, contextLength: 131072 } },
      { kind: 'ollama' },
    );
    expect(await withNumCtx.contextSize()).toBe(8192);
    const show = server!.requests.find((r) => r.path === '/api/show');
    expect(show?.body).toEqual({ model: 'tiny-model' });
    await server!.close();
    const small = await providerFor({ ollama: { contextLength: 2048 } }, { kind: 'ollama' });
    expect(await small.contextSize()).toBe(2048);
  });

  it('a size set in Settings wins, and a server that says nothing gets the cautious guess', async () => {
    const configured = await providerFor({ llamaServer: { nCtx: 2048 } }, { contextSize: 1024 });
    expect(await configured.contextSize()).toBe(1024);
    expect(server!.requests.filter((r) => r.path === '/props')).toHaveLength(0);
    await server!.close();
    const silent = await providerFor({});
    expect(await silent.contextSize()).toBe(8192);
  });
});

describe("counting with the server's own tokenizer", () => {
  const text = 'The river carries water, silt and stories downstream to the sea.';
  const tokenizeRequests = () => server!.requests.filter((r) => r.path === '/tokenize');

  it('asks llama-server /tokenize once per text, and counts whole prompts with its template', async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048, charsPerToken: 1.5 } });
    expect(await provider.countTokens(text)).toBe(denseTokenCount(text, 1.5));
    expect(await provider.countTokens(text)).toBe(denseTokenCount(text, 1.5));
    expect(tokenizeRequests()).toHaveLength(1);
    expect(tokenizeRequests()[0]!.body).toMatchObject({ content: text });
    expect(await provider.countPromptTokens(MESSAGES)).toBe(llamaPromptTokens(MESSAGES, 1.5));
  });

  it('falls back to the estimate where there is no /tokenize, after one 404', async () => {
    const provider = await providerFor({ llamaServer: { nCtx: 2048 } });
    expect(await provider.countTokens(text)).toBe(estimateTokens(text));
    expect(await provider.countTokens('another text')).toBe(estimateTokens('another text'));
    expect(await provider.countPromptTokens(MESSAGES)).toBeNull();
    expect(tokenizeRequests()).toHaveLength(1);
  });

  it('never asks Ollama, which has no such endpoint', async () => {
    const provider = await providerFor({ ollama: { contextLength: 2048 } }, { kind: 'ollama' });
    expect(await provider.countTokens(text)).toBe(estimateTokens(text));
    expect(tokenizeRequests()).toHaveLength(0);
  });
});

describe('a first question to a 2,048-token llama-server', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => {};
  afterEach(async () => remove());

  it('is budgeted to the context the server reports, so it fits', async () => {
    ({ dir, remove } = await makeTempDir());
    server = await startOpenAiWireServer({ llamaServer: { nCtx: 2048 } });
    const core = await makeTestCore(path.join(dir, 'data'), {
      keychain: false,
      providerOverride: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    });
    try {
      core.settings.update({
        ...core.settings.get(),
        retrieval: { ...core.settings.get().retrieval, topK: 20 },
      });
      // Twenty long notes about rivers: unbudgeted, their passages alone need far over 2,048 tokens.
      const notes = path.join(dir, 'notes');
      fs.mkdirSync(notes);
      for (let i = 0; i < 20; i++)
        fs.writeFileSync(
          path.join(notes, `river-${i}.md`),
          `# River ${i}\n\n${`The river ${i} carries water, silt and stories downstream to the sea. `.repeat(40)}\n`,
        );
      await core.library.add([notes]);
      await core.library.whenIdle();
      const client = createInMemoryTransport(core.dispatch);
      const sent = await client.invoke('chat.send', { text: 'Where do rivers carry water?' });
      if (!sent.ok) throw new Error(sent.error.message);
      const events: StreamEvent[] = [];
      client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
      await waitFor(() => events.some((e) => e.type === 'message.end'), 60_000);
      expect(events.at(-1)).toMatchObject({ data: { finishReason: 'stop' } });

      const chat = server.requests.find((r) => r.path === '/v1/chat/completions')!;
      const body = chat.body as { messages: { content: string }[]; max_tokens: number };
      const promptTokens = estimateTokens(body.messages.map((m) => m.content).join('\n'));
      expect(promptTokens + body.max_tokens).toBeLessThanOrEqual(2048);
      expect(body.messages.at(-1)!.content).toContain('[1]');
    } finally {
      await core.close();
    }
  });
});
