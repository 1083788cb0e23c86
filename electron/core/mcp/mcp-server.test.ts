import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import { SettingsSchema } from '../../../shared/settings';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import {
  BOW_MODEL,
  makeTestCore,
  PDF_DIR,
  writeNotes,
} from '../../../test/helpers/library-fixtures';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';
import { createQuireMcpServer } from './mcp-server';
import { askToolResult } from './tool-results';

// End to end: the SDK's own client spawns `quire mcp` over stdio on an indexed data folder.
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PDF = path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf');
const STORIES = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);

let dir: string;
let remove: () => Promise<void>;
let dataDir: string;
let modelsDir: string;
let documentId: string;

function modelFlags() {
  return ['--data', dataDir, '--model-dir', modelsDir, '--embedding-model', BOW_MODEL];
}

async function connect(): Promise<Client> {
  const client = new Client({ name: 'quire-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'electron/core/cli/main.ts', 'mcp', ...modelFlags()],
      cwd: REPO,
      stderr: 'ignore',
    }),
  );
  return client;
}

/** Every file under the data folder with its size and modification time. */
function listing(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        files[path.relative(root, full)] = `${stat.size} ${stat.mtimeMs}`;
      }
    }
  };
  walk(root);
  return files;
}

function writeSettings(patch: Record<string, unknown>) {
  const settings = SettingsSchema.parse(patch);
  fs.writeFileSync(path.join(dataDir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

type Passage = {
  documentId: string;
  title: string;
  page: number | null;
  text: string;
  link: string;
};

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir('quire-mcp-'));
  dataDir = path.join(dir, 'data');
  ({ modelsDir } = await testModels());
  const core = await makeTestCore(dataDir);
  await core.library.add([PDF]);
  await core.library.whenIdle();
  const [doc] = core.library.registry.all();
  expect(doc?.status).toBe('ready');
  documentId = doc!.id;
  // One collection holds the paper, the other nothing: a scoped search must tell them apart.
  const papers = core.collections.create('Papers');
  core.collections.create('Letters');
  await core.collections.addDocuments(papers.id, [documentId]);
  await core.close();
}, 120_000);
afterAll(() => remove?.());

describe('quire mcp, read-only (the default)', () => {
  let client: Client;
  let before: Record<string, string>;

  beforeAll(async () => {
    before = listing(dataDir);
    client = await connect();
  }, 60_000);
  afterAll(() => client?.close());

  it('lists the read tools and no index_paths', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['ask', 'list_collections', 'list_documents', 'search']);
  });

  it('searches: passages with title, page, text and a quire:// link to that page', async () => {
    const result = await client.callTool({
      name: 'search',
      arguments: { query: 'semantic role labeling of entities', k: 4 },
    });
    expect(result.isError).toBeFalsy();
    const { passages, note } = result.structuredContent as {
      passages: Passage[];
      note: string | null;
    };
    expect(note).toBeNull();
    expect(passages).toHaveLength(4);
    for (const p of passages) {
      expect(p.title).toBe('acl_naacl06_two_column_paper.pdf');
      expect(p.documentId).toBe(documentId);
      expect(p.page).toBeGreaterThanOrEqual(1);
      expect(p.page).toBeLessThanOrEqual(8);
      expect(p.link).toBe(`quire://document/${documentId}?page=${p.page}`);
      expect(p.text.length).toBeGreaterThan(20);
    }
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    expect(text).toContain(`page ${passages[0]!.page} (${passages[0]!.link})`);
  });

  it('searches only the named collection, and names the known ones for an unknown one', async () => {
    const call = (collection: string) =>
      client.callTool({ name: 'search', arguments: { query: 'semantic roles', k: 3, collection } });
    const inPapers = (await call('papers')).structuredContent as { passages: Passage[] };
    expect(inPapers.passages).toHaveLength(3);
    expect(new Set(inPapers.passages.map((p) => p.documentId))).toEqual(new Set([documentId]));
    const inLetters = await call('Letters');
    expect(inLetters.isError).toBeFalsy();
    expect((inLetters.structuredContent as { passages: Passage[] }).passages).toEqual([]);
    const unknown = await call('recipes');
    expect(unknown.isError).toBe(true);
    const text = JSON.stringify(unknown.content);
    expect(text).toContain('not_found');
    expect(text).toMatch(/Collections: .*Letters.*Papers/);
  });

  it('lists the documents and the collections with their counts', async () => {
    const docs = await client.callTool({ name: 'list_documents', arguments: {} });
    expect(docs.structuredContent).toMatchObject({
      documents: [
        {
          id: documentId,
          name: 'acl_naacl06_two_column_paper.pdf',
          status: 'ready',
          pages: 8,
          link: `quire://document/${documentId}`,
        },
      ],
    });
    const collections = await client.callTool({ name: 'list_collections', arguments: {} });
    expect(collections.structuredContent).toMatchObject({
      collections: [
        { name: 'Letters', documentCount: 0 },
        { name: 'Papers', documentCount: 1 },
      ],
    });
  });

  it('serves each document as a resource with its text, whole or one page', async () => {
    const { resources } = await client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({
        uri: `quire://document/${documentId}`,
        name: 'acl_naacl06_two_column_paper.pdf',
      }),
    ]);
    const whole = await client.readResource({ uri: `quire://document/${documentId}` });
    const text = (whole.contents[0] as { text: string }).text;
    expect(text).toMatch(/^Page 1\n/);
    expect(text).toContain('\nPage 8\n');
    const page2 = await client.readResource({ uri: `quire://document/${documentId}?page=2` });
    const pageText = (page2.contents[0] as { text: string }).text;
    expect(pageText).toMatch(/^Page 2\n/);
    expect(pageText).not.toContain('Page 3\n');
    expect(text).toContain(pageText);
  });

  it('asks without a language model: search-mode passages, and says so', async () => {
    const steps: string[] = [];
    const result = await client.callTool(
      { name: 'ask', arguments: { question: 'How are the roles of entities labeled?' } },
      undefined,
      { onprogress: (p) => steps.push(p.message ?? ''), resetTimeoutOnProgress: true },
    );
    expect(steps).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Searching \d+ passages$/)]),
    );
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as {
      mode: string;
      note: string | null;
      sources: (Passage & { n: number })[];
    };
    expect(answer.mode).toBe('search');
    expect(answer.note).toMatch(/No language model/);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.sources[0]).toMatchObject({ n: 1, documentId });
    expect(answer.sources[0]!.link).toMatch(
      new RegExp(`^quire://document/${documentId}\\?page=\\d+$`),
    );
  });

  it('leaves the data folder exactly as it was', async () => {
    await client.close();
    expect(listing(dataDir)).toEqual(before);
  });
});

it('keeps stdout for the protocol when started with npm run --silent', async () => {
  const child = spawn('npm', ['run', '--silent', 'quire', '--', 'mcp', ...modelFlags()], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // The reply to initialize has arrived: end the session.
    if (stdout.includes('"id":1')) child.stdin.end();
  });
  child.stdin.write(
    `${JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    })}\n`,
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  const lines = stdout.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  expect(JSON.parse(lines[0]!)).toMatchObject({ id: 1, result: { serverInfo: { name: 'quire' } } });
});

it('answers with the embedded model set in Settings', async () => {
  writeSettings({ provider: { kind: 'embedded', modelPath: STORIES } });
  const client = await connect();
  try {
    // A question the paper plainly covers: one it does not gets its closest passages instead.
    const result = await client.callTool({
      name: 'ask',
      arguments: { question: 'How were the articles collected?' },
    });
    const answer = result.structuredContent as { mode: string; answer: string; sources: Passage[] };
    expect(answer.mode).toBe('answer');
    expect(answer.answer.trim().length).toBeGreaterThan(0);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.sources[0]!.link).toMatch(/^quire:\/\/document\//);
  } finally {
    await client.close();
  }
});

it('indexes through index_paths only once Settings allow it', async () => {
  writeSettings({ mcp: { allowIndexing: true } });
  const note = path.join(dir, 'tide-note.md');
  fs.writeFileSync(note, '# Tides\n\nThe spring tide at Porthleven peaks twice a month.\n');
  const client = await connect();
  try {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('index_paths');
    const listChanged = new Promise<void>((resolve) =>
      client.setNotificationHandler(ResourceListChangedNotificationSchema, () => resolve()),
    );
    const indexed = await client.callTool({ name: 'index_paths', arguments: { paths: [note] } });
    expect(indexed.structuredContent).toMatchObject({
      documents: [{ name: 'tide-note.md', status: 'ready' }],
    });
    const found = await client.callTool({
      name: 'search',
      arguments: { query: 'Porthleven spring tide', k: 1 },
    });
    expect(found.structuredContent).toMatchObject({ passages: [{ title: 'tide-note.md' }] });
    await listChanged;
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.name)).toContain('tide-note.md');
  } finally {
    await client.close();
  }
});

describe('ask, with its answer checked', () => {
  const RESERVOIR =
    '# Meridian reservoir\n\nThe Meridian reservoir holds 4,200 cubic metres of water. ' +
    'It was built in 1987 by the engineer Halvard Okonkwo. Its dam is 38 metres high.\n';
  let home: string;
  let cleanUp: () => Promise<void>;
  let server: WireServer;
  let core: QuireCore;
  let client: Client;

  beforeAll(async () => {
    ({ dir: home, remove: cleanUp } = await makeTempDir('quire-mcp-checks-'));
    server = await startOpenAiWireServer();
    core = await makeTestCore(path.join(home, 'data'), {
      keychain: false,
      providerOverride: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    });
    const docs = path.join(home, 'docs');
    const files = writeNotes(docs, 6);
    fs.writeFileSync(path.join(docs, 'reservoir.md'), RESERVOIR);
    await core.library.add([...files, path.join(docs, 'reservoir.md')]);
    await core.library.whenIdle();
    // In process: the same server `quire mcp` runs, over a linked pair of transports.
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createQuireMcpServer(core, { allowIndexing: false }).connect(serverSide);
    client = new Client({ name: 'quire-test', version: '1.0.0' });
    await client.connect(clientSide);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await core?.close();
    await server?.close();
    await cleanUp?.();
  });

  it('declares checks, coverage and the closest mode in its output schema', async () => {
    const ask = (await client.listTools()).tools.find((t) => t.name === 'ask')!;
    const properties = ask.outputSchema?.properties as Record<string, { enum?: string[] }>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['mode', 'answer', 'sources', 'note', 'checks', 'coverage']),
    );
    expect(JSON.stringify(properties.mode)).toContain('closest');
    expect(JSON.stringify(properties.checks)).toContain('notBacked');
  });

  it('returns each sentence with its verdict, and says how many are not backed', async () => {
    server.setBehaviour({
      type: 'stream',
      tokens: [
        'The reservoir holds 4,200 cubic metres [1]. ',
        'It was built in 1991 by Halvard Okonkwo [1].',
      ],
    });
    const result = await client.callTool({
      name: 'ask',
      arguments: { question: 'How much water does the Meridian reservoir hold, and who built it?' },
    });
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as {
      mode: string;
      checks: { sentences: Record<string, unknown>[]; checked: number; notBacked: number };
      coverage: unknown;
    };
    expect(answer.mode).toBe('answer');
    expect(answer.checks).toMatchObject({ checked: 2, notBacked: 1, layers: ['words'] });
    expect(answer.checks.sentences).toEqual([
      expect.objectContaining({
        text: 'The reservoir holds 4,200 cubic metres [1].',
        verdict: 'supported',
        citations: [1],
      }),
      expect.objectContaining({
        text: 'It was built in 1991 by Halvard Okonkwo [1].',
        verdict: 'partly',
        note: '1991 is not in source 1',
        missing: [expect.objectContaining({ text: '1991', sources: [1] })],
      }),
    ]);
    expect(answer).toHaveProperty('coverage');
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    expect(text).toContain('Checks: 1 of 2 sentences is not backed by their sources:');
    expect(text).toContain(
      '- "It was built in 1991 by Halvard Okonkwo [1]." partly: 1991 is not in source 1',
    );
  }, 60_000);

  it('a question the documents do not cover: the closest passages, nothing written', () => {
    const message: Message = {
      id: 'm1',
      conversationId: 'c1',
      role: 'assistant',
      text: "Your documents don't say. These are the closest passages Quire found.",
      status: 'complete',
      mode: 'closest',
      sources: [
        {
          n: 1,
          chunkId: 'k1',
          documentId: 'd1',
          title: 'reservoir.md',
          path: '/docs/reservoir.md',
          pageStart: null,
          pageEnd: null,
          charStart: 0,
          charEnd: 10,
          headingPath: [],
          snippet: 'The Meridian reservoir holds 4,200 cubic metres of water.',
          score: 1,
        },
      ],
      citations: [],
      finishReason: 'stop',
      error: null,
      provider: 'openai',
      model: 'tiny-model',
      usage: null,
      timings: null,
      createdAt: 1,
      updatedAt: 1,
      checks: null,
      coverage: { covered: false, confidence: 0.1, signals: { topScore: 0.2 } },
    };
    const result = askToolResult(message, null);
    expect(result.structuredContent).toMatchObject({
      mode: 'closest',
      answer: '',
      note: "Your documents don't say. These are the closest passages Quire found.",
      sources: [{ n: 1, title: 'reservoir.md' }],
      checks: null,
      coverage: { covered: false },
    });
    const text = (result.content[0] as { text: string }).text;
    expect(text).toMatch(/^Your documents don't say\./);
    expect(text).toContain('Closest matches:\n[1] reservoir.md (quire://document/d1)');
  });
});

// `quire mcp` opens the library read-only beside the app: what the app indexes must show up,
// and a scan's text is the one OCR read at indexing, not a fresh parse of an image-only file.
describe('beside the Quire that writes the folder', { timeout: 240_000 }, () => {
  const SCAN = 'scanned_loremipsum_image_only.pdf';
  let home: string;
  let cleanUp: () => Promise<void>;
  let writer: QuireCore;
  let reader: QuireCore;
  let client: Client;
  let notified = 0;

  beforeAll(async () => {
    ({ dir: home, remove: cleanUp } = await makeTempDir('quire-mcp-beside-'));
    fs.mkdirSync(path.join(home, 'docs'));
    fs.copyFileSync(path.join(PDF_DIR, SCAN), path.join(home, 'docs', SCAN));
    const data = path.join(home, 'data');
    writer = await makeTestCore(data, { keychain: false });
    // As `quire mcp` opens it (it looks every second; here more often).
    reader = await makeTestCore(data, { keychain: false, readOnly: true, followWriterMs: 50 });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createQuireMcpServer(reader, { allowIndexing: false }).connect(serverSide);
    client = new Client({ name: 'quire-test', version: '1.0.0' });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      notified++;
    });
    await client.connect(clientSide);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await reader?.close();
    await writer?.close();
    await cleanUp?.();
  });

  /** Runs `change` in the writer and waits for the reader's client to hear of it. */
  async function heard(change: () => Promise<unknown>) {
    const before = notified;
    await change();
    await waitFor(() => notified > before, 10_000, 20);
  }

  it('declares that its resource list changes', () => {
    expect(client.getServerCapabilities()?.resources).toMatchObject({ listChanged: true });
  });

  it('lists a scan the writer indexed, and reads the text OCR found', async () => {
    expect((await client.listResources()).resources).toEqual([]);
    await heard(async () => {
      await writer.library.add([path.join(home, 'docs', SCAN)]);
      await writer.library.whenIdle();
    });
    const doc = writer.library.documents()[0]!;
    expect(doc).toMatchObject({ name: SCAN, status: 'ready', ocrPages: [1] });
    const { resources } = await client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({ uri: `quire://document/${doc.id}`, name: SCAN }),
    ]);
    const whole = await client.readResource({ uri: `quire://document/${doc.id}` });
    const text = (whole.contents[0] as { text: string }).text;
    expect(text).toMatch(/^Page 1\n\n/);
    expect(text.toLowerCase()).toContain('sollicitudin');
    expect(text).not.toMatch(/no text layer|Turn on OCR/);
    const page1 = await client.readResource({ uri: `quire://document/${doc.id}?page=1` });
    expect((page1.contents[0] as { text: string }).text).toBe(text);
    await expect(client.readResource({ uri: `quire://document/${doc.id}?page=2` })).rejects.toThrow(
      /Page 2 of .* has no text/,
    );
  });

  it('hears of collections, and of a document removed', async () => {
    const doc = writer.library.documents()[0]!;
    await heard(async () => {
      const scans = writer.collections.create('Scans');
      await writer.collections.addDocuments(scans.id, [doc.id]);
    });
    const { resources } = await client.listResources();
    expect(resources[0]!.description).toContain(', in Scans: ');
    const listed = await client.callTool({ name: 'list_collections', arguments: {} });
    expect(listed.structuredContent).toMatchObject({
      collections: [{ name: 'Scans', documentCount: 1 }],
    });
    await heard(() => writer.library.remove(doc.id));
    expect((await client.listResources()).resources).toEqual([]);
  });
});
