// A question to a llama-server whose model has a dense tokenizer (stories260K spends about 1.5
// characters a token) and a small context: counted with the server's own tokenizer, refit once
// when the server still refuses, and told plainly when no question can fit.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import type { QuireCore } from '../quire-core';
import { estimateTokens } from '../providers/token-estimate';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import {
  llamaPromptTokens,
  startOpenAiWireServer,
  type LlamaServerFlavour,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';

const QUESTION = 'Where do rivers carry water?';
type Body = { messages: { role: string; content: string }[]; max_tokens: number };

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
let client: ReturnType<typeof createInMemoryTransport>;
const servers: WireServer[] = [];

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  core = await makeTestCore(path.join(dir, 'data'), { keychain: false });
  core.settings.update({
    ...core.settings.get(),
    retrieval: { ...core.settings.get().retrieval, topK: 8 },
  });
  const notes = path.join(dir, 'notes');
  fs.mkdirSync(notes);
  for (let i = 0; i < 8; i++)
    fs.writeFileSync(
      path.join(notes, `river-${i}.md`),
      `# River ${i}\n\n${`The river ${i} carries water, silt and stories downstream to the sea. `.repeat(4)}\n`,
    );
  await core.library.add([notes]);
  await core.library.whenIdle();
  client = createInMemoryTransport(core.dispatch);
}, 60_000);
afterAll(async () => {
  await core.close();
  await Promise.all(servers.map((s) => s.close()));
  await remove();
});

/** A llama-server of this flavour, set as the provider; answers "Rivers carry water [1]." */
async function llamaServer(flavour: LlamaServerFlavour): Promise<WireServer> {
  const server = await startOpenAiWireServer({ llamaServer: flavour });
  servers.push(server);
  server.setBehaviour({ type: 'stream', tokens: ['Rivers ', 'carry ', 'water ', '[1].'] });
  core.settings.update({
    ...core.settings.get(),
    provider: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
  });
  return server;
}

async function ask(text = QUESTION) {
  const sent = await client.invoke('chat.send', { text });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 30_000);
  const failure = events.find((e) => e.type === 'message.error');
  const steps = events.flatMap((e) => (e.type === 'step' ? [e.data.label] : []));
  const answer = events.flatMap((e) => (e.type === 'message.delta' ? [e.data.text] : [])).join('');
  return { events, failure, steps, answer };
}

const chats = (server: WireServer) =>
  server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as Body);

describe('a llama-server with a dense tokenizer', () => {
  it('is counted with its own /tokenize, each text once, and the prompt fits its context', async () => {
    const server = await llamaServer({ nCtx: 2048, charsPerToken: 1.5 });
    const first = await ask();
    expect(first.failure).toBeUndefined();
    expect(first.answer).toBe('Rivers carry water [1].');
    const [body] = chats(server);
    expect(chats(server)).toHaveLength(1);
    expect(llamaPromptTokens(body!.messages, 1.5) + body!.max_tokens).toBeLessThanOrEqual(2048);
    expect(body!.messages.at(-1)!.content).toContain('[1] river-');

    // A second question meets the same passages: none of their texts is counted again.
    await ask('Which river carries silt?');
    const counted = server.requests
      .filter((r) => r.path === '/tokenize')
      .map((r) => (r.body as { content: string }).content);
    expect(counted.length).toBeGreaterThan(0);
    expect(new Set(counted).size).toBe(counted.length);
  });

  it('a server without /tokenize is budgeted by the estimate, asked once for it', async () => {
    const server = await llamaServer({ nCtx: 2048, tokenize: false });
    const asked = await ask();
    expect(asked.failure).toBeUndefined();
    const [body] = chats(server);
    const estimated = body!.messages.reduce((n, m) => n + estimateTokens(m.content) + 8, 0);
    expect(estimated + body!.max_tokens).toBeLessThanOrEqual(2048);
    expect(server.requests.filter((r) => r.path === '/tokenize')).toHaveLength(1);
  });

  it('a prompt the server refuses as too long is refit to its count and sent once more', async () => {
    // No /tokenize, so the estimate (about 3 characters a token) undercounts a 1.5 tokenizer.
    const server = await llamaServer({ nCtx: 1024, charsPerToken: 1.5, tokenize: false });
    const asked = await ask();
    expect(asked.failure).toBeUndefined();
    expect(asked.answer).toBe('Rivers carry water [1].');
    expect(asked.steps).toContain("Shortening the prompt to fit the model's context");
    const [refused, refit] = chats(server);
    expect(chats(server)).toHaveLength(2);
    expect(llamaPromptTokens(refused!.messages, 1.5)).toBeGreaterThanOrEqual(1024);
    expect(llamaPromptTokens(refit!.messages, 1.5) + refit!.max_tokens).toBeLessThanOrEqual(1024);
    expect(refit!.messages.at(-1)!.content).toContain('[1] river-');

    // The provider keeps what it learned: the next question fits the first time.
    await ask('Which river carries silt?');
    expect(chats(server)).toHaveLength(3);
  });

  it('says which passages were left out to fit a 512-token context, to the model and the user', async () => {
    const server = await llamaServer({ nCtx: 512, charsPerToken: 1.5 });
    const asked = await ask();
    expect(asked.failure).toBeUndefined();
    const note = asked.steps.find((l) => /passages were left out/.test(l));
    expect(note).toMatch(/^\d of 8 passages were left out to fit the model's 512-token context$/);
    const [body] = chats(server);
    expect(llamaPromptTokens(body!.messages, 1.5)).toBeLessThan(512);
    const user = body!.messages.at(-1)!.content;
    expect(user).toContain('[1] river-');
    expect(user).toMatch(/more matching passages were left out for length/);
    expect(user).not.toContain('No passage');
  });

  it('a context too small for any question names the smallest that would do, and that size works', async () => {
    const tiny = await llamaServer({ nCtx: 256, charsPerToken: 1.5 });
    const refused = await ask();
    expect(chats(tiny)).toHaveLength(0);
    expect(refused.failure).toMatchObject({ data: { code: 'context_length' } });
    const message = refused.failure!.type === 'message.error' ? refused.failure!.data.message : '';
    expect(message).toContain('holds 256 tokens');
    const size = Number(/--ctx-size (\d+)/.exec(message)?.[1]);
    expect(size).toBeGreaterThan(256);

    const enough = await llamaServer({ nCtx: size, charsPerToken: 1.5 });
    const answered = await ask();
    expect(answered.failure).toBeUndefined();
    expect(chats(enough)[0]!.messages.at(-1)!.content).toContain('[1] river-');
  });
});
