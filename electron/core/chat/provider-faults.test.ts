// A provider that hangs, drops, or sends garbage mid-answer: the answer ends in a clear error with
// its partial text kept, and the next question is answered as if nothing happened.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { WireBehaviour } from '../../../test/helpers/provider-servers/wire-server-base';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

const TOKENS = ['Rivers ', 'carry ', 'water ', 'to ', 'the ', 'sea ', '[1].'];

let dir: string;
let remove: () => Promise<void>;
let server: WireServer;
let core: QuireCore;
let client: ReturnType<typeof createInMemoryTransport>;

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  server = await startOpenAiWireServer();
  core = await makeTestCore(path.join(dir, 'data'), {
    keychain: false,
    providerOverride: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    providerTimeouts: { connectMs: 5_000, idleMs: 400 },
  });
  await core.library.add(writeNotes(path.join(dir, 'docs'), 4));
  await core.library.whenIdle();
  client = createInMemoryTransport(core.dispatch);
});
afterAll(async () => {
  await core.close();
  await server.close();
  await remove();
});

async function ask(behaviour: WireBehaviour, conversationId?: string) {
  server.setBehaviour(behaviour);
  const sent = await client.invoke('chat.send', {
    text: 'What do the notes say about river 2 and topic 9?',
    ...(conversationId ? { conversationId } : {}),
  });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 30_000);
  const stored = await client.invoke('conversations.get', {
    conversationId: sent.value.conversationId,
  });
  if (!stored.ok) throw new Error(stored.error.message);
  const message = stored.value.messages.find((m) => m.id === sent.value.messageId)!;
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  // Every message ends with exactly one message.end; a failure is told just before it.
  expect(events.filter((e) => e.type === 'message.end')).toHaveLength(1);
  expect(events.at(-1)!.type).toBe('message.end');
  const failure = events.find((e) => e.type === 'message.error');
  if (failure) {
    expect(events.at(-2)).toBe(failure);
    expect(events.at(-1)).toMatchObject({ data: { finishReason: 'error' } });
  }
  const last = failure ?? events.at(-1)!;
  return { events, last, message, conversationId: sent.value.conversationId };
}

const text = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'message.delta' ? [e.data.text] : [])).join('');

it('a provider that goes silent mid-answer ends with a retryable time-out, partial text kept', async () => {
  const hung = await ask({ type: 'hang', tokens: TOKENS, after: 3 });
  expect(hung.last).toMatchObject({
    type: 'message.error',
    data: { code: 'timeout', retryable: true },
  });
  expect(text(hung.events)).toBe('Rivers carry water ');
  expect(hung.message).toMatchObject({ status: 'error', text: 'Rivers carry water ' });
  expect(hung.message.error).toMatchObject({ code: 'timeout', retryable: true });

  // Same conversation, next question: the app carries on.
  const next = await ask({ type: 'stream', tokens: TOKENS }, hung.conversationId);
  expect(next.last.type).toBe('message.end');
  expect(next.message).toMatchObject({ status: 'complete', text: TOKENS.join('') });
});

it('malformed stream data ends with a bad_response that is not retryable', async () => {
  const broken = await ask({ type: 'malformed', tokens: TOKENS, after: 2 });
  expect(broken.last).toMatchObject({
    type: 'message.error',
    data: { code: 'bad_response', retryable: false },
  });
  expect(broken.message).toMatchObject({ status: 'error', text: 'Rivers carry ' });
  expect((await ask({ type: 'stream', tokens: TOKENS })).last.type).toBe('message.end');
});

it('a dropped connection mid-answer is a retryable error, and search still works', async () => {
  const dropped = await ask({ type: 'disconnect', tokens: TOKENS, after: 4 });
  expect(dropped.last).toMatchObject({ type: 'message.error', data: { retryable: true } });
  expect(dropped.message.text).toBe('Rivers carry water to ');
  const found = await core.retriever.search('river', { mode: 'hybrid', k: 3 });
  expect(found.hits).toHaveLength(3);
});

it('a server that never answers is a retryable error, not a hang', async () => {
  const silent = await ask({ type: 'hang-before-headers' });
  expect(silent.last).toMatchObject({ type: 'message.error', data: { retryable: true } });
  expect(['timeout', 'unreachable']).toContain(
    silent.last.type === 'message.error' ? silent.last.data.code : '',
  );
  expect((await ask({ type: 'stream', tokens: TOKENS })).last.type).toBe('message.end');
});
