import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { LANGUAGE_MODEL_CATALOG } from '../../../shared/model-catalog';
import type { ModelDownloadState } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import { createQuireCore, type QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { startTestHub } from '../../../test/helpers/test-hub-server';

const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);
const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
// The hub serves the tiny real model under the first catalogue entry's repository and file name.
const ENTRY = LANGUAGE_MODEL_CATALOG[0]!;

let dir = '';
let remove: () => Promise<void> = async () => {};
let hub: Awaited<ReturnType<typeof startTestHub>> | null = null;
let core: QuireCore | null = null;

beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-chat-models-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await hub?.close();
  hub = null;
  await remove();
});

async function freshCore(faults: Parameters<typeof startTestHub>[1] = {}) {
  hub = await startTestHub({ [ENTRY.repo]: { [ENTRY.file]: GGUF } }, faults);
  core = await createQuireCore(
    {
      dataDir: path.join(dir, 'data'),
      transport: 'memory',
      poolSize: 1,
      modelHub: hub.url,
      logger: { error: () => {}, warn: () => {} },
    },
    { keychain: false },
  );
  const client = createInMemoryTransport(core.dispatch);
  const states: ModelDownloadState[] = [];
  client.follow(SYSTEM_STREAM, {
    onSnapshot: () => {},
    onEvent: (e) => {
      if (e.type === 'model.download.progress') states.push(e.data);
    },
  });
  return { core, client, states };
}

it('lists the catalogue with size, memory and fit, downloads a model, selects it, and answers without a restart', async () => {
  const { core, client, states } = await freshCore();
  const catalog = await client.invoke('models.catalog', {});
  if (!catalog.ok) throw new Error(catalog.error.message);
  expect(catalog.value.models.map((m) => m.id)).toEqual(LANGUAGE_MODEL_CATALOG.map((e) => e.id));
  expect(catalog.value.totalMemoryBytes).toBeGreaterThan(0);
  for (const model of catalog.value.models) {
    expect(model).toMatchObject({ present: false, selected: false, download: null });
    expect(model.fitsInMemory).toBe(catalog.value.totalMemoryBytes >= model.ramBytes);
    expect(model.path).toBe(path.join(dir, 'data', 'models', model.repo, model.file));
  }
  expect(catalog.value.models.map((m) => m.id)).toContain(catalog.value.recommendedId);
  // Listing never touches the hub.
  expect(hub!.requests).toEqual([]);
  expect(core.settings.get().provider.kind).toBe('none');

  const started = await client.invoke('models.downloadLanguageModel', { id: ENTRY.id });
  expect(started).toMatchObject({
    ok: true,
    value: { state: { kind: 'language', modelId: ENTRY.id } },
  });
  await waitFor(() => states.some((s) => s.state !== 'running'), 60_000, 20);
  const done = states.at(-1)!;
  expect(done).toMatchObject({ kind: 'language', modelId: ENTRY.id, state: 'done', fraction: 1 });
  const size = fs.statSync(GGUF).size;
  expect(done.totalBytes).toBe(size);
  expect(states.filter((s) => s.state === 'running').length).toBeGreaterThan(1);

  const target = path.join(dir, 'data', 'models', ENTRY.repo, ENTRY.file);
  expect(fs.readFileSync(target).equals(fs.readFileSync(GGUF))).toBe(true);
  expect(core.settings.get().provider).toEqual({ kind: 'embedded', modelPath: target });
  const after = await client.invoke('models.catalog', {});
  expect(after.ok && after.value.models[0]).toMatchObject({
    present: true,
    selected: true,
    path: target,
    download: { state: 'done' },
  });

  // The first question is answered by the downloaded model.
  await core.library.add(writeNotes(path.join(dir, 'notes'), 2));
  await core.library.whenIdle();
  const sent = await client.invoke('chat.send', { text: 'What do the notes say about rivers?' });
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(
    () => events.some((e) => e.type === 'message.end' || e.type === 'message.error'),
    120_000,
  );
  const end = events.at(-1)!;
  expect(end).toMatchObject({ type: 'message.end', data: { finishReason: expect.any(String) } });
  expect(core.conversations.getMessage(sent.value.messageId)).toMatchObject({
    provider: 'embedded',
    mode: 'answer',
  });
  expect(core.conversations.getMessage(sent.value.messageId)!.text.length).toBeGreaterThan(0);
});

it('resumes after a dropped connection, and a model already on disk is selected without a download', async () => {
  const { core, client, states } = await freshCore({
    dropOnceAfter: { path: ENTRY.file, bytes: 300_000 },
  });
  await client.invoke('models.downloadLanguageModel', { id: ENTRY.id });
  await waitFor(() => states.some((s) => s.state !== 'running'), 60_000, 20);
  expect(states.at(-1)).toMatchObject({ state: 'done' });
  // It resumes from what reached the disk: at most the 300,000 bytes sent before the drop (a
  // reset connection may lose some of them in flight), not from the start.
  const resumedFrom = hub!.requests
    .map((r) => /^bytes=(\d+)-$/.exec(r.range ?? '')?.[1])
    .filter((from) => from !== undefined)
    .map(Number);
  expect(resumedFrom.some((from) => from > 0 && from <= 300_000)).toBe(true);
  const target = path.join(dir, 'data', 'models', ENTRY.repo, ENTRY.file);
  expect(fs.readFileSync(target).equals(fs.readFileSync(GGUF))).toBe(true);

  // Choosing another provider, then the same model again: no new request, selected at once.
  core.settings.update({ ...core.settings.get(), provider: { kind: 'none' } });
  const requestsBefore = hub!.requests.length;
  const again = await client.invoke('models.downloadLanguageModel', { id: ENTRY.id });
  expect(again).toMatchObject({ ok: true, value: { state: { state: 'done' } } });
  expect(hub!.requests.length).toBe(requestsBefore);
  expect(core.settings.get().provider).toMatchObject({ kind: 'embedded' });
});

it('a wrong checksum fails with a clear error, selects nothing, and an unknown id is refused', async () => {
  const { core, client, states } = await freshCore({ wrongHash: ENTRY.file });
  await client.invoke('models.downloadLanguageModel', { id: ENTRY.id });
  await waitFor(() => states.some((s) => s.state !== 'running'), 60_000, 20);
  expect(states.at(-1)).toMatchObject({ state: 'error', error: { code: expect.any(String) } });
  expect(core.settings.get().provider.kind).toBe('none');
  const catalog = await client.invoke('models.catalog', {});
  expect(catalog.ok && catalog.value.models[0]).toMatchObject({ present: false });

  const unknown = await client.invoke('models.downloadLanguageModel', { id: 'no-such-model' });
  expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  expect((!unknown.ok && unknown.error.message) || '').toContain(ENTRY.id);
});

it('cancel stops a stalled download and leaves nothing selected', async () => {
  const { core, client, states } = await freshCore({
    stallAfter: { path: ENTRY.file, bytes: 100_000 },
  });
  await client.invoke('models.downloadLanguageModel', { id: ENTRY.id });
  await waitFor(() => states.some((s) => s.receivedBytes >= 100_000), 30_000, 20);
  const cancelled = await client.invoke('models.cancelLanguageModel', { id: ENTRY.id });
  expect(cancelled).toMatchObject({ ok: true, value: { cancelled: true } });
  await waitFor(() => states.some((s) => s.state === 'cancelled'), 30_000, 20);
  expect(core.settings.get().provider.kind).toBe('none');
});

it('quire models list and models download <id> on the command line', async () => {
  hub = await startTestHub({ [ENTRY.repo]: { [ENTRY.file]: GGUF } });
  const data = path.join(dir, 'cli-data');
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'models',
      ...args,
      '--data',
      data,
    ]);

  const list = await run('list', '--json');
  const rows = list.stdout
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { kind: string; id: string; present: boolean; fitsInMemory: boolean },
    )
    .filter((row) => row.kind === 'chat');
  expect(rows.map((r) => r.id)).toEqual(LANGUAGE_MODEL_CATALOG.map((e) => e.id));
  expect(rows.every((r) => r.present === false && typeof r.fitsInMemory === 'boolean')).toBe(true);

  const download = await run('download', ENTRY.id, '--hub', hub.url);
  expect(download.stdout).toContain(`${ENTRY.name} is ready and selected`);
  const settings = JSON.parse(fs.readFileSync(path.join(data, 'settings.json'), 'utf8')) as {
    provider: unknown;
  };
  expect(settings.provider).toEqual({
    kind: 'embedded',
    modelPath: path.join(data, 'models', ENTRY.repo, ENTRY.file),
  });
  const after = await run('list');
  expect(after.stdout).toMatch(new RegExp(`${ENTRY.id}\\s+in use`));

  await expect(run('download', 'no-such-model')).rejects.toMatchObject({ code: 2 });
});
