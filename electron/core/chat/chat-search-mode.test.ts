import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import type { StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
  core = await makeTestCore(path.join(dir, 'data'));
});
afterEach(async () => {
  await core.close();
  await remove();
});

it('answers in search mode, with the sources and a way forward, when no model is configured', async () => {
  await core.library.add(writeNotes(path.join(dir, 'docs'), 5));
  await core.library.whenIdle();
  const client = createInMemoryTransport(core.dispatch);
  const conversationEvents: StreamEvent[] = [];
  client.follow('conversations', {
    onSnapshot: () => {},
    onEvent: (e) => conversationEvents.push(e),
  });

  const sent = await client.invoke('chat.send', { text: 'Which note talks about river 3?' });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  let snapshot: unknown;
  client.follow(
    sent.value.stream,
    { onSnapshot: (r) => (snapshot = r.snapshot), onEvent: (e) => events.push(e) },
    0,
  );
  await waitFor(
    () => events.some((e) => e.type === 'message.end' || e.type === 'message.error'),
    30_000,
  );
  expect(snapshot).toBeUndefined(); // resumed from seq 0: every event, no snapshot needed

  const types = events.map((e) => e.type);
  expect(types[0]).toBe('message.start');
  expect(types.slice(-1)).toEqual(['message.end']);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const labels = events.flatMap((e) =>
    e.type === 'step' ? [`${e.data.label}:${e.data.status}`] : [],
  );
  expect(labels).toEqual(
    [
      'Understanding your question:running',
      'Understanding your question:done',
      'Searching 10 passages:running',
      'Searching 10 passages:done',
    ].map((l) => l.replace('10', String(core.library.snapshot().totals.chunks))),
  );
  const sources = events.find((e) => e.type === 'message.sources');
  expect(sources?.type === 'message.sources' && sources.data.mode).toBe('search');
  expect(sources?.type === 'message.sources' && sources.data.sources.length).toBeGreaterThan(0);
  expect(sources?.type === 'message.sources' && sources.data.sources[0]!.title).toMatch(
    /note-\d+\.md/,
  );

  const stored = await client.invoke('conversations.get', {
    conversationId: sent.value.conversationId,
  });
  if (!stored.ok) throw new Error(stored.error.message);
  expect(stored.value.messages.map((m) => [m.role, m.status, m.mode])).toEqual([
    ['user', 'complete', null],
    ['assistant', 'complete', 'search'],
  ]);
  expect(stored.value.messages[1]!.text).toContain('Settings');
  await waitFor(() => conversationEvents.some((e) => e.type === 'conversation.updated'));

  const renamed = await client.invoke('conversations.rename', {
    conversationId: sent.value.conversationId,
    title: 'Rivers',
  });
  expect(renamed).toMatchObject({ ok: true, value: { title: 'Rivers' } });
  await waitFor(() =>
    conversationEvents.some(
      (e) => e.type === 'conversation.updated' && e.data.conversation.title === 'Rivers',
    ),
  );
  expect(
    await client.invoke('conversations.delete', { conversationId: sent.value.conversationId }),
  ).toMatchObject({ ok: true, value: { deleted: true } });
  await waitFor(() => conversationEvents.some((e) => e.type === 'conversation.deleted'));
  client.close();
});

it('a configured model that cannot be started is named as the reason, not called missing', async () => {
  await core.close();
  core = await makeTestCore(path.join(dir, 'data-broken'), {
    wrapProvider: () => {
      throw new QuireError('model_unavailable', 'The model file is damaged.');
    },
  });
  await core.library.add(writeNotes(path.join(dir, 'docs-broken'), 3));
  await core.library.whenIdle();
  const client = createInMemoryTransport(core.dispatch);
  const sent = await client.invoke('chat.send', { text: 'Which note talks about river 2?' });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 30_000);
  const message = core.conversations.getMessage(sent.value.messageId)!;
  expect(message.mode).toBe('search');
  expect(message.sources.length).toBeGreaterThan(0);
  expect(message.text).toContain('The model file is damaged.');
  expect(message.text).not.toContain('No language model is set up');
});
