// Answers are checked sentence by sentence against the passages they cite, while they stream and
// at the end; the verdicts travel as message.checks, are kept on the message, and replay.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnswerChecks } from '../../../shared/answer-checks';
import type { StreamEvent } from '../../../shared/events';
import type { WireBehaviour } from '../../../test/helpers/provider-servers/wire-server-base';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';

const RESERVOIR =
  '# Meridian reservoir\n\nThe Meridian reservoir holds 4,200 cubic metres of water. ' +
  'It was built in 1987 by the engineer Halvard Okonkwo. Its dam is 38 metres high.\n';

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
    providerTimeouts: { connectMs: 5_000, idleMs: 2_000 },
  });
  const docs = path.join(dir, 'docs');
  const files = writeNotes(docs, 6);
  fs.writeFileSync(path.join(docs, 'reservoir.md'), RESERVOIR);
  await core.library.add([...files, path.join(docs, 'reservoir.md')]);
  await core.library.whenIdle();
  client = createInMemoryTransport(core.dispatch);
}, 60_000);
afterAll(async () => {
  await core.close();
  await server.close();
  await remove();
});

async function ask(behaviour: WireBehaviour) {
  server.setBehaviour(behaviour);
  const sent = await client.invoke('chat.send', {
    text: 'How much water does the Meridian reservoir hold, and who built it?',
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
  const checks = events.flatMap((e) => (e.type === 'message.checks' ? [e.data] : []));
  return { events, message, checks, stream: sent.value.stream, text: message.text };
}

const verdictsOf = (text: string, checks: AnswerChecks) =>
  checks.sentences.map((s) => [text.slice(s.start, s.end), s.verdict]);

it('checks each sentence while the answer streams and once more before it ends', async () => {
  const tokens = [
    'The reservoir holds ',
    '4,200 cubic metres [1]. ',
    'It was built in ',
    '1991 by Halvard Okonkwo [1]. ',
    'Its dam is 38 metres high [1]. ',
    'It serves 12 % of the region.',
  ];
  const { events, message, checks, text } = await ask({ type: 'stream', tokens, delayMs: 120 });
  expect(message.status).toBe('complete');
  // Verdicts arrived while streaming (not final), then a final set, all before message.end.
  expect(checks.some((c) => !c.final)).toBe(true);
  const final = checks.at(-1)!;
  expect(final.final).toBe(true);
  const types = events.map((e) => e.type);
  expect(types.lastIndexOf('message.checks')).toBeLessThan(types.indexOf('message.end'));
  const firstChecks = types.indexOf('message.checks');
  expect(firstChecks).toBeLessThan(types.lastIndexOf('message.delta'));
  expect(verdictsOf(text, final)).toEqual([
    ['The reservoir holds 4,200 cubic metres [1].', 'supported'],
    ['It was built in 1991 by Halvard Okonkwo [1].', 'partly'],
    ['Its dam is 38 metres high [1].', 'supported'],
    ['It serves 12 % of the region.', 'uncited'],
  ]);
  expect(final.sentences[1]!.note).toBe('1991 is not in source 1');
  expect(final).toMatchObject({ checked: 4, notBacked: 2 });
  // Kept on the message: a reload's snapshot has them.
  expect(message.checks).toEqual(final);
});

it('a reconnect replays the verdicts, and the snapshot carries them', async () => {
  const { stream, message } = await ask({
    type: 'stream',
    tokens: ['The reservoir holds 4,200 cubic metres [1].'],
  });
  const replayed: StreamEvent[] = [];
  let snapshot: unknown = null;
  client.follow(stream, { onSnapshot: (s) => (snapshot = s), onEvent: (e) => replayed.push(e) }, 0);
  await waitFor(() => snapshot !== null || replayed.length > 0, 5_000);
  const fromSnapshot = (snapshot as { checks?: AnswerChecks } | null)?.checks;
  const fromReplay = replayed.filter((e) => e.type === 'message.checks').at(-1)?.data;
  expect(fromSnapshot ?? fromReplay).toEqual(message.checks);
  expect(message.checks!.sentences[0]!.verdict).toBe('supported');
});

it('a citation to a source that was never given is unsupported', async () => {
  const { message } = await ask({
    type: 'stream',
    tokens: ['The dam is 38 metres high [9].'],
  });
  expect(message.checks!.sentences[0]).toMatchObject({
    verdict: 'unsupported',
    missing: [{ kind: 'citation', text: '[9]' }],
  });
});

it('an answer cut off mid-stream has its written part checked', async () => {
  const { message } = await ask({
    type: 'disconnect',
    tokens: ['The reservoir holds ', '4,300 cubic metres [1]. ', 'It was built'],
    after: 3,
  });
  expect(message.status).toBe('error');
  expect(message.checks?.final).toBe(true);
  expect(message.checks!.sentences[0]).toMatchObject({ verdict: 'partly' });
  expect(message.checks!.sentences[0]!.note).toBe('4,300 is not in source 1');
});

it('an empty answer gets an empty set of verdicts, not a crash', async () => {
  const { message } = await ask({ type: 'stream', tokens: [] });
  expect(message.status).toBe('complete');
  expect(message.checks).toMatchObject({ sentences: [], checked: 0, notBacked: 0, final: true });
});
