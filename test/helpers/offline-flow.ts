// Run by offline.test.ts under the network guard: the whole offline flow in one process.
// Index a PDF and a Markdown note, search, pick the embedded model in settings (with a remote
// key stored but not selected), serve the HTTP API on loopback and stream an answer over SSE.
// Prints one JSON report line for the test to check.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StreamEvent } from '../../shared/events';
import { createEmbedder } from '../../electron/core/embedding/embedder';
import { loadTransformers } from '../../electron/core/embedding/transformers-runtime';
import { startHttpServer } from '../../electron/core/server/http-server';
import { BOW_MODEL, makeTestCore, PDF_DIR } from './library-fixtures';
import { openSse } from './sse-client';
import { waitFor } from './temp-dir';
import { testModels } from './embedding-fixtures';

const GGUF = fileURLToPath(
  new URL('../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);
const SHARED_MODELS = fileURLToPath(new URL('../../../shared/models/', import.meta.url));

const [dataDir, docsDir] = process.argv.slice(2);
if (!dataDir || !docsDir) throw new Error('usage: offline-flow <dataDir> <docsDir>');

fs.mkdirSync(docsDir, { recursive: true });
const note = path.join(docsDir, 'lighthouse.md');
fs.writeFileSync(
  note,
  '# Lighthouse keeping\n\nThe keeper climbs the tower at dusk and lights the lamp.\n\n' +
    '## Fog\n\nIn fog the keeper sounds the horn every thirty seconds until morning.\n',
);
const pdf = path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf');
// Read by OCR: tesseract.js must take its model from the npm package, never the network.
const scan = path.join(PDF_DIR, 'scanned_loremipsum_image_only.pdf');

const core = await makeTestCore(dataDir, { transport: 'http', keychain: false });
const server = await startHttpServer({ dispatch: core.dispatch, hub: core.hub, rendererDir: null });
const headers = { authorization: `Bearer ${server.token}` };

async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const response = await fetch(`${server.url}/api/${method.replace('.', '/')}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: unknown };
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.value as T;
}

type SettingsView = {
  settings: { provider: { kind: string } } & Record<string, unknown>;
  keys: { openai: boolean; anthropic: boolean };
  offline: boolean;
};

// A remote provider's key is stored, but the embedded model is the one selected.
const initial = await call<SettingsView>('settings.get');
await call('settings.setApiKey', { provider: 'openai', key: 'sk-offline-test-never-sent' });
const updated = await call<SettingsView>('settings.update', {
  settings: { ...initial.settings, provider: { kind: 'embedded', modelPath: GGUF } },
});

await call('library.add', { paths: [pdf, note, scan] });
await core.library.whenIdle();
const library = await call<{ documents: { name: string; status: string; chunkCount?: number }[] }>(
  'library.list',
);

const search = await core.retriever.search('keeper sounds the horn in fog', { k: 5 });

const sent = await call<{ stream: string; messageId: string }>('chat.send', {
  text: 'What does the keeper do in fog?',
});
// Last-Event-ID 0 replays the stream from its first event, as a reconnecting client would.
const sse = openSse(`${server.url}/api/streams/${encodeURIComponent(sent.stream)}`, {
  ...headers,
  'last-event-id': '0',
});
const ended = () =>
  sse.events.some((e: StreamEvent) => e.type === 'message.end' || e.type === 'message.error');
await waitFor(ended, 120_000, 20);
sse.destroy();
const message = core.conversations.getMessage(sent.messageId);
const appInfo = await call<{ offline: boolean }>('app.info');
const finalSettings = await call<SettingsView>('settings.get');

// The embedding runtime as the indexer configures it: remote loading stays off, and a model
// that is not on disk fails locally instead of being fetched.
const models = await testModels();
const embedder = await createEmbedder({
  modelId: BOW_MODEL,
  localModelPath: models.modelsDir,
  backend: 'native',
});
await embedder.embed(['a lamp in the fog']);
const { env } = await loadTransformers('native');
const allowRemoteModels = env.allowRemoteModels;
await embedder.dispose();
let missingModel: string | null = null;
try {
  // The shared MiniLM folder holds the tokenizer only, no ONNX weights.
  await createEmbedder({
    modelId: 'Xenova/all-MiniLM-L6-v2',
    localModelPath: SHARED_MODELS,
    backend: 'native',
  });
} catch (error) {
  missingModel = (error as { code?: string }).code ?? String(error);
}

await server.close();
await core.close();

process.stdout.write(
  JSON.stringify({
    offlineBefore: initial.offline,
    offlineAfterUpdate: updated.offline,
    keys: updated.keys,
    selectedProvider: finalSettings.settings.provider.kind,
    appOffline: appInfo.offline,
    settingsOffline: finalSettings.offline,
    documents: library.documents.map((d) => ({ name: d.name, status: d.status })),
    searchHits: search.hits.map((h) => ({ title: h.title, text: h.text.slice(0, 200) })),
    searchDegraded: search.degraded ?? null,
    events: sse.events.map((e) => ({ seq: e.seq, type: e.type, data: e.data })),
    message: message && {
      status: message.status,
      provider: message.provider,
      text: message.text,
    },
    allowRemoteModels,
    missingModel,
  }) + '\n',
);
