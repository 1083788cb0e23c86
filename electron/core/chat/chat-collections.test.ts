import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationScope } from '../../../shared/collections';
import type { Source, StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

// The done-when test for collections: real LanceDB, real workers and embeddings, the real
// stories260K model. A conversation scoped to one collection never sees the other's passages.
const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);

const TEXTS = {
  'danube.md':
    '# The Danube\n\nThe Danube river floods its banks every spring. The river carries melt water east to the Black Sea.\n',
  'rhone.md':
    '# The Rhone\n\nThe Rhone river starts at a glacier in the Alps. The river flows through Lake Geneva to the sea.\n',
};

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
let ids: { east: string; alps: string; danube: string; rhone: string };

async function setUp(options: Parameters<typeof makeTestCore>[1] = {}) {
  core = await makeTestCore(path.join(dir, 'data'), { keychain: false, ...options });
  const docs = path.join(dir, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  for (const [name, text] of Object.entries(TEXTS)) fs.writeFileSync(path.join(docs, name), text);
  const east = core.collections.create('East');
  const alps = core.collections.create('Alps');
  const client = createInMemoryTransport(core.dispatch);
  for (const [name, collectionId] of [
    ['danube.md', east.id],
    ['rhone.md', alps.id],
  ] as const) {
    const added = await client.invoke('library.add', {
      paths: [path.join(docs, name)],
      collectionId,
    });
    if (!added.ok) throw new Error(added.error.message);
  }
  await core.library.whenIdle();
  const byName = (n: string) => core.library.registry.all().find((d) => d.name === n)!.id;
  ids = { east: east.id, alps: alps.id, danube: byName('danube.md'), rhone: byName('rhone.md') };
  return client;
}

async function ask(
  client: ReturnType<typeof createInMemoryTransport>,
  text: string,
  scope?: ConversationScope,
) {
  const sent = await client.invoke('chat.send', { text, ...(scope ? { scope } : {}) });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(
    () => events.some((e) => e.type === 'message.end' || e.type === 'message.error'),
    120_000,
  );
  const sources = events.flatMap((e) => (e.type === 'message.sources' ? e.data.sources : []));
  const end = events.find((e) => e.type === 'message.end');
  const citations = end?.type === 'message.end' ? end.data.citations : [];
  return { sent: sent.value, sources, citations, events };
}

const docsOf = (sources: Source[]) => new Set(sources.map((s) => s.documentId));

beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-chat-collections-')));
afterEach(async () => {
  await core.close();
  await remove();
});

describe('a conversation scoped to a collection', () => {
  it('cites only that collection, in search mode, and follows a change of scope', async () => {
    const client = await setUp();
    const question = 'Which river floods or starts at a glacier?';
    const everything = await ask(client, question);
    expect(docsOf(everything.sources)).toEqual(new Set([ids.danube, ids.rhone]));

    const alps = await ask(client, question, { kind: 'collection', collectionId: ids.alps });
    expect(alps.sources.length).toBeGreaterThan(0);
    expect(docsOf(alps.sources)).toEqual(new Set([ids.rhone]));
    // The step trail counts the passages the scope covers, not the whole library.
    const searching = alps.events.flatMap((e) =>
      e.type === 'step' && e.data.label.startsWith('Searching') ? [e.data.label] : [],
    );
    expect(searching[0]).toBe(`Searching ${core.library.registry.get(ids.rhone)!.chunks} passages`);
    const stored = core.conversations.getConversation(alps.sent.conversationId);
    expect(stored?.scope).toEqual({ kind: 'collection', collectionId: ids.alps });

    // The same conversation, rescoped to the other collection, follows at the next question.
    const rescoped = await client.invoke('conversations.setScope', {
      conversationId: alps.sent.conversationId,
      scope: { kind: 'collection', collectionId: ids.east },
    });
    expect(rescoped.ok).toBe(true);
    const sent = await client.invoke('chat.send', {
      conversationId: alps.sent.conversationId,
      text: question,
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await waitFor(
      () => core.conversations.getMessage(sent.value.messageId)?.status !== 'streaming',
      60_000,
    );
    expect(docsOf(core.conversations.getMessage(sent.value.messageId)!.sources)).toEqual(
      new Set([ids.danube]),
    );

    // Hand-picked documents filter by id; a deleted collection's conversation says so clearly.
    const picked = await ask(client, question, { kind: 'documents', documentIds: [ids.danube] });
    expect(docsOf(picked.sources)).toEqual(new Set([ids.danube]));
    await core.collections.delete(ids.east);
    const orphan = await client.invoke('chat.send', {
      conversationId: alps.sent.conversationId,
      text: question,
    });
    if (!orphan.ok) throw new Error(orphan.error.message);
    await waitFor(
      () => core.conversations.getMessage(orphan.value.messageId)?.status === 'error',
      60_000,
    );
    expect(core.conversations.getMessage(orphan.value.messageId)!.error?.message).toMatch(
      /collection .* was deleted/,
    );
    expect(core.library.registry.get(ids.danube)).toBeDefined();
  });

  it('never cites the other collection with the embedded stories260K model', async () => {
    const client = await setUp({ providerOverride: { kind: 'embedded', modelPath: GGUF } });
    for (const [collectionId, own] of [
      [ids.alps, ids.rhone],
      [ids.east, ids.danube],
    ] as const) {
      const answer = await ask(client, 'Tell me about the river.', {
        kind: 'collection',
        collectionId,
      });
      expect(answer.events.some((e) => e.type === 'message.error')).toBe(false);
      expect(answer.sources.length).toBeGreaterThan(0);
      expect(docsOf(answer.sources)).toEqual(new Set([own]));
      const cited = answer.sources.filter((s) => answer.citations.includes(s.n));
      expect(cited.every((s) => s.documentId === own)).toBe(true);
    }
  }, 240_000);
});
