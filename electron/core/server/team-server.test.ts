import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeResult } from '../../../shared/contract';
import type { Conversation } from '../../../shared/events';
import type { Settings } from '../../../shared/settings';
import { StreamFollower } from '../../../shared/stream-follower';
import type { QuireCore } from '../quire-core';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { openSse } from '../../../test/helpers/sse-client';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { startHttpServer, type RunningServer } from './http-server';
import { addUser, removeUser, userDirectory, USERS_FILE } from './team-users';

// One server as `quire serve` starts it, on loopback, with a viewer, a second viewer and an editor.
let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
let server: RunningServer;
const tokens = { alice: '', bob: '', erin: '' };

type Reply = {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
};

async function call(token: string, method: string, args: unknown = {}): Promise<Reply> {
  const [domain, name] = method.split('.');
  const response = await fetch(`${server.url}/api/${domain}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

async function value<T>(token: string, method: string, args: unknown = {}): Promise<T> {
  const reply = await call(token, method, args);
  if (!reply.body.ok) throw new Error(`${method}: ${JSON.stringify(reply.body.error)}`);
  return reply.body.value as T;
}

/** Asks in search mode (no language model here) and waits for the answer to end. */
async function ask(token: string, text: string, conversationId?: string) {
  const sent = await value<{ conversationId: string; messageId: string }>(token, 'chat.send', {
    text,
    answerAnyway: true,
    ...(conversationId ? { conversationId } : {}),
  });
  await waitFor(
    () => core.conversations.getMessage(sent.messageId)?.status !== 'streaming',
    30_000,
  );
  return sent;
}

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  const dataDir = path.join(dir, 'data');
  core = await makeTestCore(dataDir);
  await core.library.add(writeNotes(path.join(dir, 'docs'), 4));
  await core.library.whenIdle();
  tokens.alice = addUser(dataDir, 'alice', 'viewer').token;
  tokens.bob = addUser(dataDir, 'bob', 'viewer').token;
  tokens.erin = addUser(dataDir, 'erin', 'editor').token;
  server = await startHttpServer({
    dispatch: core.dispatch,
    hub: core.hub,
    rendererDir: null,
    uploadsDir: path.join(dir, 'uploads'),
    users: userDirectory(dataDir),
  });
}, 60_000);

afterAll(async () => {
  await server.close();
  await core.close();
  await remove();
});

describe('a team server keeps each person’s conversations private', () => {
  it('lists, opens and deletes only one’s own conversations', async () => {
    const mine = await ask(tokens.alice, 'Which note talks about river 3?');
    const theirs = await ask(tokens.bob, 'Which note talks about river 1?');
    const owners = await ask(server.token, 'Which note talks about river 2?');

    const ids = async (token: string) =>
      (await value<Conversation[]>(token, 'conversations.list')).map((c) => c.id);
    expect(await ids(tokens.alice)).toEqual([mine.conversationId]);
    expect(await ids(tokens.bob)).toEqual([theirs.conversationId]);
    // The owner's token is the owner's own conversations too, not everybody's.
    expect(await ids(server.token)).toEqual([owners.conversationId]);

    // Another's conversation is "not found", exactly like one that does not exist.
    const peek = await call(tokens.bob, 'conversations.get', {
      conversationId: mine.conversationId,
    });
    expect(peek.status).toBe(404);
    expect(peek.body.error?.code).toBe('not_found');
    for (const [method, args] of [
      ['conversations.rename', { conversationId: mine.conversationId, title: 'mine now' }],
      ['conversations.export', { conversationId: mine.conversationId }],
      ['chat.send', { conversationId: mine.conversationId, text: 'and river 4?' }],
      ['chat.regenerate', { messageId: mine.messageId }],
      ['chat.stop', { messageId: mine.messageId }],
    ] as const)
      expect((await call(tokens.bob, method, args)).body.error?.code, method).toBe('not_found');
    expect(
      await value(tokens.bob, 'conversations.delete', { conversationId: mine.conversationId }),
    ).toEqual({ deleted: false });
    expect(await ids(tokens.alice)).toEqual([mine.conversationId]);

    // Their own: a follow-up in the same conversation, then delete it.
    await ask(tokens.alice, 'And river 4?', mine.conversationId);
    const opened = await value<{ messages: unknown[] }>(tokens.alice, 'conversations.get', {
      conversationId: mine.conversationId,
    });
    expect(opened.messages).toHaveLength(4);
    expect(
      await value(tokens.bob, 'conversations.delete', { conversationId: theirs.conversationId }),
    ).toEqual({ deleted: true });
    expect(await ids(tokens.bob)).toEqual([]);
  }, 60_000);

  it('lets nobody follow another’s answer, and shows each their own conversations stream', async () => {
    const mine = await ask(tokens.alice, 'Which note talks about topic 7?');
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    const answer = openSse(`${server.url}/api/streams/chat:${mine.messageId}`, auth(tokens.bob));
    expect(await answer.status).toBe(404);
    const status = await fetch(`${server.url}/api/streams/chat:${mine.messageId}/status`, {
      headers: auth(tokens.bob),
    });
    expect(status.status).toBe(404);
    const own = openSse(`${server.url}/api/streams/chat:${mine.messageId}`, auth(tokens.alice));
    expect(await own.status).toBe(200);
    own.destroy();
    const subscribed = await call(tokens.bob, 'events.subscribe', {
      stream: `chat:${mine.messageId}`,
    });
    expect(subscribed.body.error?.code).toBe('not_found');

    // The conversations stream: Bob's snapshot and live events hold Bob's alone.
    const bobs = openSse(`${server.url}/api/streams/conversations`, auth(tokens.bob));
    const alices = openSse(`${server.url}/api/streams/conversations`, auth(tokens.alice));
    await waitFor(() => bobs.controls.length === 1 && alices.controls.length === 1);
    const snapshotIds = (client: typeof bobs) =>
      (
        client.controls[0]!.data as { snapshot: { conversations: Conversation[] } }
      ).snapshot.conversations.map((c) => c.id);
    expect(snapshotIds(bobs)).not.toContain(mine.conversationId);
    expect(snapshotIds(alices)).toContain(mine.conversationId);

    await value(tokens.alice, 'conversations.rename', {
      conversationId: mine.conversationId,
      title: 'Topic seven',
    });
    const bobsOwn = await ask(tokens.bob, 'Which note talks about topic 3?');
    await value(tokens.alice, 'conversations.delete', { conversationId: mine.conversationId });
    await waitFor(() => alices.events.some((e) => e.type === 'conversation.deleted'));
    await waitFor(() => bobs.events.some((e) => e.type === 'conversation.updated'));
    const seenBy = (client: typeof bobs) =>
      new Set(
        client.events.map((e) =>
          e.type === 'conversation.updated'
            ? e.data.conversation.id
            : e.type === 'conversation.deleted'
              ? e.data.conversationId
              : '',
        ),
      );
    expect([...seenBy(bobs)]).toEqual([bobsOwn.conversationId]);
    // Alice's events leave holes in Bob's seqs; his client must take them for what they are,
    // not for lost events (which would reconnect forever and drop his own updates).
    const applied: string[] = [];
    const follower = new StreamFollower('conversations', {
      onSnapshot: () => {},
      onEvent: (e) => applied.push(e.type),
    });
    follower.beginSubscribe();
    expect(follower.applySubscribe(bobs.controls[0]!.data as SubscribeResult)).toBe('ok');
    expect(bobs.events.map((e) => follower.applyEvent(e))).not.toContain('gap');
    expect(applied).toHaveLength(bobs.events.length);
    expect(bobs.events[0]!.seq).toBeGreaterThan(
      (bobs.controls[0]!.data as SubscribeResult).lastSeq + 1,
    );
    expect([...seenBy(alices)]).toEqual([mine.conversationId]);

    const polled = await value<{ snapshot: { conversations: Conversation[] } }>(
      tokens.alice,
      'events.subscribe',
      { stream: 'conversations' },
    );
    expect(polled.snapshot.conversations.map((c) => c.id)).not.toContain(bobsOwn.conversationId);
    bobs.destroy();
    alices.destroy();
  }, 60_000);
});

describe('roles on a team server', () => {
  const upload = (token: string, name: string) =>
    fetch(`${server.url}/api/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-file-name': name },
      body: `# ${name}\n\nA page about lighthouses and ${name}.\n`,
    });

  it('tells each caller who they are in app.info, so the interface can follow their role', async () => {
    const info = (token: string) => value<{ principal: unknown }>(token, 'app.info');
    expect((await info(tokens.alice)).principal).toEqual({ name: 'alice', role: 'viewer' });
    expect((await info(tokens.erin)).principal).toEqual({ name: 'erin', role: 'editor' });
    expect((await info(server.token)).principal).toEqual({ name: 'owner', role: 'owner' });
  });

  it("shows the library storage's endpoint, region and key ID to the owner only", async () => {
    const owners = await value<{ settings: Settings }>(server.token, 'settings.get');
    const library = {
      ...owners.settings.library,
      location: 's3://team-shelf/quire',
      endpoint: 'https://minio.internal.example:9000',
      region: 'eu-west-3',
      accessKeyId: 'AKIAOWNERSKEY',
    };
    const saved = await value<{ settings: Settings }>(server.token, 'settings.update', {
      settings: { ...owners.settings, library },
    });
    expect(saved.settings.library).toMatchObject({ accessKeyId: 'AKIAOWNERSKEY' });
    for (const token of [tokens.alice, tokens.erin]) {
      const seen = await value<{ settings: Settings }>(token, 'settings.get');
      expect(seen.settings.library).toEqual({
        location: 's3://team-shelf/quire',
        readOnly: false,
        allowHttp: false,
      });
      expect(JSON.stringify(seen)).not.toContain('AKIAOWNERSKEY');
    }
    expect(
      (await value<{ settings: Settings }>(server.token, 'settings.get')).settings.library,
    ).toMatchObject({ endpoint: 'https://minio.internal.example:9000', region: 'eu-west-3' });
    await value(server.token, 'settings.update', { settings: owners.settings });
  });

  it('refuses a viewer what changes the library, naming the role it needs', async () => {
    const docs = await value<{ documents: { id: string }[] }>(tokens.alice, 'library.query', {});
    const documentId = docs.documents[0]!.id;
    const collection = await value<{ id: string }>(server.token, 'collections.create', {
      name: 'Shared shelf',
    });

    const removal = await call(tokens.alice, 'library.remove', { documentId });
    expect(removal.status).toBe(403);
    expect(removal.body.error).toMatchObject({ code: 'forbidden' });
    expect(removal.body.error?.message).toMatch(/editor.*alice is a viewer/);
    const deletion = await call(tokens.alice, 'collections.delete', {
      collectionId: collection.id,
    });
    expect(deletion.body.error?.code).toBe('forbidden');
    expect((await upload(tokens.alice, 'viewer-note.md')).status).toBe(403);
    // Refused before a byte was saved: a viewer cannot fill the server's disk.
    expect(fs.existsSync(path.join(dir, 'uploads'))).toBe(false);
    expect(core.library.registry.get(documentId)).toBeDefined();

    // Reading and searching stay open to a viewer.
    expect((await call(tokens.alice, 'library.list')).status).toBe(200);
    expect((await call(tokens.alice, 'collections.list')).status).toBe(200);
  });

  it('lets an editor add by upload, remove documents and delete collections, and nothing of the owner’s', async () => {
    const uploaded = await upload(tokens.erin, 'editor-note.md');
    expect(uploaded.status).toBe(200);
    const added = ((await uploaded.json()) as { value: { added: { id: string }[] } }).value.added;
    expect(added).toHaveLength(1);
    const documentId = added[0]!.id;
    expect(await value(tokens.erin, 'library.remove', { documentId })).toBeDefined();
    const collection = await value<{ id: string }>(tokens.erin, 'collections.create', {
      name: 'Editor shelf',
    });
    expect(
      await value(tokens.erin, 'collections.delete', { collectionId: collection.id }),
    ).toBeDefined();

    // Paths name the server's own disk: an editor may not have Quire read them.
    const secret = path.join(dir, 'secret.md');
    fs.writeFileSync(secret, '# Secret\n\nThe owner’s private file.\n');
    const byPath = await call(tokens.erin, 'library.add', { paths: [secret] });
    expect(byPath.body.error?.code).toBe('forbidden');
    for (const [method, args] of [
      ['settings.update', { settings: {} }],
      ['library.rebuildIndex', {}],
      ['library.watch', { folder: dir }],
      ['library.pause', {}],
      ['models.download', { model: 'embedding' }],
    ] as const) {
      const reply = await call(tokens.erin, method, args);
      expect(reply.body.error?.code, method).toBe('forbidden');
      expect(reply.body.error?.message, method).toMatch(/owner/);
    }
    expect((await call(server.token, 'library.pause')).status).toBe(200);
    expect((await call(server.token, 'library.resume')).status).toBe(200);
  });

  it('refuses a removed person’s token on the very next request', async () => {
    const dataDir = path.join(dir, 'data');
    const { token } = addUser(dataDir, 'carol', 'viewer');
    expect((await call(token, 'conversations.list')).status).toBe(200);
    expect(removeUser(dataDir, 'carol')).toBe(true);
    const refused = await call(token, 'conversations.list');
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('unauthorized');

    // The file keeps hashes, never the tokens, and only its owner can read it.
    const file = path.join(dataDir, USERS_FILE);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(tokens.alice);
    expect(text).toContain('"role": "editor"');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
