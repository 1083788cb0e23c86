// Beside a Quire that writes the data folder and serves its API (the app, `quire serve`), the
// commands that write become its clients; beside one that does not, they are refused as before.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import { makeTestCore, PDF_DIR, writeNotes } from '../../../test/helpers/library-fixtures';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';
import { startHttpServer, type RunningServer } from '../server/http-server';
import {
  publishServer,
  readServerFile,
  SERVER_FILE,
  type PublishedServer,
} from '../server/server-file';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = path.join(ROOT, 'electron/core/cli/main.ts');
const RESERVOIR =
  '# Meridian reservoir\n\nThe Meridian reservoir holds 4,200 cubic metres of water. ' +
  'It was built in 1987 by the engineer Halvard Okonkwo. Its dam is 38 metres high.\n';
const QUESTION = 'How much water does the Meridian reservoir hold, and who built it?';
const TOKENS = [
  'The reservoir holds ',
  '4,200 cubic metres [1]. ',
  'It was built in ',
  '1991 by Halvard Okonkwo [1]. ',
  'Its dam is 38 metres high [1].',
];

function quire(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('beside a Quire that serves the data folder', { timeout: 120_000 }, () => {
  let dir = '';
  let data = '';
  let remove: () => Promise<void> = async () => {};
  let wire: WireServer;
  let core: QuireCore;
  let server: RunningServer;
  let published: PublishedServer;

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir('quire-beside-server-'));
    data = path.join(dir, 'data');
    wire = await startOpenAiWireServer();
    // As `quire serve` runs it: the folder's writer, its provider set, its API on loopback.
    core = await makeTestCore(data, {
      keychain: false,
      transport: 'http',
      providerOverride: { kind: 'openai', baseUrl: `${wire.url}/v1`, model: 'tiny-model' },
    });
    const docs = path.join(dir, 'docs');
    const files = writeNotes(docs, 6);
    fs.writeFileSync(path.join(docs, 'reservoir.md'), RESERVOIR);
    await core.library.add([...files, path.join(docs, 'reservoir.md')]);
    await core.library.whenIdle();
    server = await startHttpServer({ dispatch: core.dispatch, hub: core.hub, rendererDir: null });
    published = publishServer(core.dataDir, server);
  }, 60_000);
  afterAll(async () => {
    published?.remove();
    await server?.close();
    await core?.close();
    await wire?.close();
    await remove();
  });

  it('leaves its URL and token in the data folder, readable by its owner only', () => {
    const file = path.join(data, SERVER_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readServerFile(data)).toEqual({
      url: server.url,
      token: server.token,
      pid: process.pid,
      startedAt: expect.any(Number),
    });
  });

  it('quire ask is answered by it: the same printout, marks and sources included', async () => {
    wire.setBehaviour({ type: 'stream', tokens: TOKENS });
    const result = await quire('ask', QUESTION, '--data', data);
    expect(result.stderr).not.toContain('Another Quire');
    expect(result.code).toBe(0);
    const [answer = '', rest = ''] = result.stdout.split('\nSources:\n');
    expect(answer).toContain(
      'The reservoir holds 4,200 cubic metres [1]. It was built in 1991 by Halvard Okonkwo [1].⚠1 Its dam is 38 metres high [1].\n',
    );
    expect(answer).toContain('\n1 of 3 sentences is not backed by their sources\n');
    expect(answer).toContain('\n⚠1 partly: 1991 is not in source 1\n');
    expect(rest).toMatch(/^\[1\]\* reservoir\.md: /m);
    // The steps went to stderr as they ran in the serving Quire.
    expect(result.stderr).toMatch(/^… /m);
    // The conversation is the serving Quire's, where the app shows it.
    const conversationId = /\(complete; conversation (\S+)\)\n$/.exec(result.stdout)?.[1];
    expect(core.conversations.getConversation(conversationId!)).toBeTruthy();
  });

  it('--json streams the events and ends with the saved answer', async () => {
    wire.setBehaviour({ type: 'stream', tokens: TOKENS });
    const result = await quire('ask', QUESTION, '--data', data, '--json');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: { type: string }; result?: Message });
    const types = lines.flatMap((l) => (l.event ? [l.event.type] : []));
    expect(types[0]).toBe('message.start');
    expect(types).toContain('message.delta');
    expect(types.at(-1)).toBe('message.end');
    expect(lines.at(-1)?.result?.checks).toMatchObject({ final: true, checked: 3, notBacked: 1 });
  });

  it('an unknown --collection is named with the ones there are, as in-process', async () => {
    core.collections.create('Reservoirs');
    const result = await quire('ask', QUESTION, '--data', data, '--collection', 'Lakes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('There is no collection "Lakes". Collections: "Reservoirs".');
  });

  it('--provider cannot change the running Quire’s provider, and says so', async () => {
    const result = await quire(
      'ask',
      QUESTION,
      '--data',
      data,
      '--provider',
      'ollama',
      '--model',
      'x',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answers with the provider set in its Settings');
  });

  it('quire index adds through it and waits for the file, printing as in-process', async () => {
    const note = path.join(dir, 'docs', 'sluice.md');
    fs.writeFileSync(note, '# Sluice\n\nThe sluice gate of the Meridian dam opens at dawn.\n');
    const result = await quire('index', note, '--data', data, '--collection', 'reservoirs');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ sluice\.md: 1 chunk in \d+ ms\n/);
    expect(result.stdout).toMatch(/\n1 ready, 0 failed, 1 chunk in [\d.]+ s\n$/);
    const doc = core.library.registry.byPath(note);
    expect(doc?.status).toBe('ready');
    expect(core.collections.resolve('Reservoirs').documentCount).toBe(1);
    // Again: unchanged, and counted as before.
    const again = await quire('index', note, '--data', data);
    expect(again.stdout).toContain('= unchanged sluice.md\n');
    expect(again.stdout).toMatch(/\n1 ready, 0 failed, 1 chunk in /);
  });

  it('a --password is given to the file when it asks for one', async () => {
    const locked = path.join(dir, 'docs', 'encrypted_userpw_openpassword.pdf');
    fs.copyFileSync(path.join(PDF_DIR, 'encrypted_userpw_openpassword.pdf'), locked);
    const result = await quire(
      'index',
      locked,
      '--data',
      data,
      '--password',
      'encrypted_userpw_openpassword.pdf=openpassword',
    );
    expect(result.stdout).not.toContain('✗');
    expect(result.stdout).toMatch(/^✓ encrypted_userpw_openpassword\.pdf: /);
    expect(result.stdout).toMatch(/\n1 ready, 0 failed, /);
    expect(result.code).toBe(0);
  });

  it('quire collections changes go through it; export reads its conversations', async () => {
    const reservoir = path.join(dir, 'docs', 'reservoir.md');
    const added = await quire('collections', 'add', 'Reservoirs', reservoir, '--data', data);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('1 document added to Reservoirs\n');
    expect(core.collections.resolve('Reservoirs').documentCount).toBe(2);
    const renamed = await quire('collections', 'rename', 'reservoirs', 'Dams', '--data', data);
    expect(renamed.stdout).toMatch(/^Renamed to Dams {2}2 documents {2}\(/);
    const unknown = await quire('collections', 'add', 'Dams', 'nowhere.md', '--data', data);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Not in the library: nowhere.md.');

    const [conversation] = core.conversations.listConversations();
    const exported = await quire('export', conversation!.id, '--data', data);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Meridian reservoir');
  });

  describe('refused as before when nobody answers', () => {
    const file = () => path.join(data, SERVER_FILE);
    const aside = () => path.join(dir, 'server-file-aside');
    beforeAll(() => fs.renameSync(file(), aside()));
    afterAll(() => fs.renameSync(aside(), file()));

    function expectRefusal(result: { code: number | null; stderr: string }) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`quire ask: Another Quire (process ${process.pid}, `);
      expect(result.stderr).toContain(
        'These work beside it: quire library, search, check, export (saved conversations), ' +
          'collections list, models list|status|speed, and mcp',
      );
      expect(result.stderr).toContain(
        'Beside the Quire app or quire serve, ask, index and collections changes work too',
      );
    }

    it('without a server file', async () => {
      expectRefusal(await quire('ask', QUESTION, '--data', data));
    });

    it('with a stale one (its server gone)', async () => {
      // A port that was just free: nobody listens there now.
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      const stale = { url: `http://127.0.0.1:${port}`, token: 'gone', pid: 1, startedAt: 1 };
      fs.writeFileSync(file(), JSON.stringify(stale), { mode: 0o600 });
      try {
        expectRefusal(await quire('ask', QUESTION, '--data', data));
      } finally {
        fs.rmSync(file());
      }
    });
  });
});
