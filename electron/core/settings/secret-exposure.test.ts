// An API key goes in through the contract and out only to its provider: never to a reply, an
// event, a file in the data folder, or a log line.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { fakeSafeStorage } from '../secrets/fake-safe-storage';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';

const KEY = 'sk-quire-exposure-7f3a9c2e5b1d4086';

let dir: string;
let remove: () => Promise<void>;
let server: WireServer;
let core: QuireCore;
const logLines: string[] = [];

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
  server = await startOpenAiWireServer();
  server.setBehaviour({ type: 'stream', tokens: ['Rivers ', 'flow [1].'] });
  core = await makeTestCore(path.join(dir, 'data'), {
    keychain: false,
    safeStorage: fakeSafeStorage(),
    logger: {
      error: (message, error) => logLines.push(`${message} ${String(error ?? '')}`),
      warn: (message) => logLines.push(message),
    },
  });
});
afterEach(async () => {
  await core.close();
  await server.close();
  await remove();
});

function filesUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));
}

it('keeps the key out of replies, events, data files and logs, and sends it to its provider', async () => {
  await core.library.add(writeNotes(path.join(dir, 'docs'), 3));
  await core.library.whenIdle();
  const client = createInMemoryTransport(core.dispatch);
  const replies: unknown[] = [];
  const events: StreamEvent[] = [];
  for (const stream of ['conversations', 'library'] as const) {
    client.follow(stream, { onSnapshot: (s) => replies.push(s), onEvent: (e) => events.push(e) });
  }
  const call = async (method: string, args: unknown) => {
    const result = await client.invoke(method as never, args as never);
    replies.push(result);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as Record<string, unknown>;
  };

  const stored = await call('settings.setApiKey', { provider: 'openai', key: KEY });
  expect(stored).toMatchObject({ keys: { openai: true }, secretBackend: 'safeStorage' });
  await call('settings.update', {
    settings: {
      ...((await call('settings.get', {})).settings as object),
      provider: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    },
  });
  const sent = await call('chat.send', { text: 'Which note talks about river 1?' });
  client.follow(
    sent.stream as `chat:${string}`,
    { onSnapshot: (s) => replies.push(s), onEvent: (e) => events.push(e) },
    0,
  );
  await waitFor(() => events.some((e) => e.type === 'message.end' || e.type === 'message.error'));
  expect(events.find((e) => e.type === 'message.end')).toBeDefined();
  await call('conversations.get', { conversationId: sent.conversationId });
  await call('providers.test', {
    provider: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
  });

  // The provider did receive it, so the checks below are looking at a key that was in use.
  const chat = server.requests.find((r) => r.path === '/v1/chat/completions');
  expect(chat?.headers.authorization).toBe(`Bearer ${KEY}`);

  expect(JSON.stringify(replies)).not.toContain(KEY);
  expect(JSON.stringify(events)).not.toContain(KEY);
  expect(logLines.join('\n')).not.toContain(KEY);
  const dataFiles = filesUnder(path.join(dir, 'data'));
  expect(dataFiles.some((f) => /settings/.test(path.basename(f)))).toBe(true);
  for (const file of dataFiles) {
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(Buffer.from(KEY)), file).toBe(false);
    expect(bytes.includes(Buffer.from(KEY, 'utf16le')), file).toBe(false);
  }
});
