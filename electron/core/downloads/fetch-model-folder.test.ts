import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import type { ModelDownloadState } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import { createEmbedder } from '../embedding/embedder';
import { DOWNLOAD_STAMP, findLocalModel } from '../embedding/model-location';
import { resolveModel } from '../embedding/model-settings';
import { BOW_MODEL_ID, cosine, testModels } from '../../../test/helpers/embedding-fixtures';
import { StreamHub } from '../streams/stream-hub';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { downloadModel } from './fetch-model-folder';
import { MODEL_DOWNLOAD_FILES, ModelDownloads } from './model-downloads';
import {
  mountTmpfs,
  resizeTmpfs,
  tmpfsUnavailable,
  unmountTmpfs,
} from '../../../test/helpers/tmpfs';
import { repoFromFolder, startTestHub } from '../../../test/helpers/test-hub-server';

const WEIGHTS = 'onnx/model_quantized.onnx';
let bowDir = '';
let dir = '';
let remove: () => Promise<void> = async () => {};
let hub: Awaited<ReturnType<typeof startTestHub>> | null = null;

beforeAll(async () => {
  bowDir = (await testModels()).bowDir;
});
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-download-')));
afterEach(async () => {
  await hub?.close();
  hub = null;
  await remove();
});

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function failure(promise: Promise<unknown>): Promise<QuireError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QuireError);
  return error as QuireError;
}

describe('downloading a model from a hub that answers like Hugging Face', () => {
  it('fetches the files (LFS through the CDN redirect), and the folder then resolves and embeds', async () => {
    hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) });
    const destDir = path.join(dir, 'models');
    const progress: number[] = [];
    const files = await downloadModel({
      modelId: BOW_MODEL_ID,
      destDir,
      files: MODEL_DOWNLOAD_FILES,
      hubUrl: hub.url,
      onProgress: (p) => progress.push(p.fraction),
    });

    expect(files.map((f) => f.path)).toEqual(MODEL_DOWNLOAD_FILES.map((f) => f.path));
    const weights = files.find((f) => f.path === WEIGHTS)!;
    expect(weights.sha256).toBe(hub.sha256Of(BOW_MODEL_ID, WEIGHTS));
    expect(hub.requests.some((r) => r.method === 'GET' && r.url === `/cdn/${weights.sha256}`)).toBe(
      true,
    );
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const modelDir = path.join(destDir, BOW_MODEL_ID);
    expect(sha256(path.join(modelDir, WEIGHTS))).toBe(sha256(path.join(bowDir, WEIGHTS)));
    expect(fs.readdirSync(path.join(modelDir, 'onnx'))).toEqual(['model_quantized.onnx']);
    const stamp = JSON.parse(fs.readFileSync(path.join(modelDir, DOWNLOAD_STAMP), 'utf8'));
    expect(stamp.complete).toBe(true);

    const resolved = resolveModel({ modelId: BOW_MODEL_ID, dataDir: dir });
    expect(resolved).toMatchObject({ hasWeights: true, modelDir: destDir, dims: 128 });
    // The downloaded copy embeds exactly like the original folder.
    const [downloaded, original] = await Promise.all(
      [destDir, path.dirname(path.dirname(bowDir))].map((localModelPath) =>
        createEmbedder({ modelId: BOW_MODEL_ID, localModelPath, backend: 'native' }),
      ),
    );
    const texts = ['Mitochondria make energy.', 'The treaty ended the war.'];
    const a = await downloaded!.embed(texts);
    const b = await original!.embed(texts);
    expect(downloaded!.dims).toBe(128);
    expect(cosine(a, 128, 0, 0)).toBeCloseTo(1, 5);
    expect(Array.from(a)).toEqual(Array.from(b));
    await downloaded!.dispose();
    await original!.dispose();
  });

  it('resumes with a Range request after the connection drops mid-file, byte for byte', async () => {
    hub = await startTestHub(
      { [BOW_MODEL_ID]: repoFromFolder(bowDir) },
      { dropOnceAfter: { path: WEIGHTS, bytes: 3_000_000 } },
    );
    const destDir = path.join(dir, 'models');
    await downloadModel({
      modelId: BOW_MODEL_ID,
      destDir,
      files: MODEL_DOWNLOAD_FILES,
      hubUrl: hub.url,
    });
    const cdnGets = hub.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/cdn/'));
    expect(cdnGets).toHaveLength(2);
    expect(cdnGets[0]!.range).toBeNull();
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(cdnGets[1]!.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(3_000_000);
    const file = path.join(destDir, BOW_MODEL_ID, WEIGHTS);
    expect(sha256(file)).toBe(sha256(path.join(bowDir, WEIGHTS)));
    expect(fs.existsSync(`${file}.part`)).toBe(false);
  });

  it('drops a server that goes silent mid-file, resumes once, then says the connection keeps dropping', async () => {
    hub = await startTestHub(
      { [BOW_MODEL_ID]: repoFromFolder(bowDir) },
      { stallAfter: { path: WEIGHTS, bytes: 1_000_000 } },
    );
    const destDir = path.join(dir, 'models');
    const error = await failure(
      downloadModel({
        modelId: BOW_MODEL_ID,
        destDir,
        files: MODEL_DOWNLOAD_FILES,
        hubUrl: hub.url,
        stallMs: 300,
        attempts: 2,
      }),
    );
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
    expect(error.message).toContain('kept dropping');
    const cdnGets = hub.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/cdn/'));
    expect(cdnGets.map((r) => r.range)).toEqual([null, 'bytes=1000000-']);
    // Each attempt got another 1,000,000 bytes; they stay for the next Retry, and nothing is
    // marked present.
    const part = path.join(destDir, BOW_MODEL_ID, `${WEIGHTS}.part`);
    expect(fs.statSync(part).size).toBe(2_000_000);
    expect(findLocalModel(BOW_MODEL_ID, [destDir])).toBeNull();
  });

  it.skipIf(tmpfsUnavailable !== null)(
    'a full disk fails with disk_full, and once there is room a retry completes the model',
    async () => {
      hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) });
      const destDir = path.join(dir, 'small-disk');
      // The int8 weights are about 3.9 MB; 2 MB holds the small files (about 1 MB) and part of them.
      mountTmpfs(destDir, 2);
      try {
        const options = {
          modelId: BOW_MODEL_ID,
          destDir,
          files: MODEL_DOWNLOAD_FILES,
          hubUrl: hub.url,
        };
        const error = await failure(downloadModel(options));
        expect(error.code).toBe('disk_full');
        expect(error.message).toContain('is full');
        expect(findLocalModel(BOW_MODEL_ID, [destDir])).toBeNull();

        resizeTmpfs(destDir, 40);
        await downloadModel(options);
        const weights = path.join(destDir, BOW_MODEL_ID, WEIGHTS);
        expect(sha256(weights)).toBe(sha256(path.join(bowDir, WEIGHTS)));
        expect(findLocalModel(BOW_MODEL_ID, [destDir])).not.toBeNull();
      } finally {
        unmountTmpfs(destDir);
      }
    },
  );

  it('deletes a file whose sha256 does not match, fails with bad_response and marks nothing present', async () => {
    hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) }, { wrongHash: WEIGHTS });
    const destDir = path.join(dir, 'models');
    const error = await failure(
      downloadModel({
        modelId: BOW_MODEL_ID,
        destDir,
        files: MODEL_DOWNLOAD_FILES,
        hubUrl: hub.url,
      }),
    );
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/does not match its published checksum/);
    const modelDir = path.join(destDir, BOW_MODEL_ID);
    expect(fs.existsSync(path.join(modelDir, WEIGHTS))).toBe(false);
    expect(fs.existsSync(path.join(modelDir, `${WEIGHTS}.part`))).toBe(false);
    expect(findLocalModel(BOW_MODEL_ID, [destDir])).toBeNull();
    expect(resolveModel({ modelId: BOW_MODEL_ID, dataDir: dir }).hasWeights).toBe(false);
  });

  it('says in plain words that the hub cannot be reached when the connection is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const destDir = path.join(dir, 'models');
    const error = await failure(
      downloadModel({
        modelId: BOW_MODEL_ID,
        destDir,
        files: MODEL_DOWNLOAD_FILES,
        hubUrl: `http://127.0.0.1:${port}`,
      }),
    );
    expect(error.code).toBe('unreachable');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `Quire could not reach 127.0.0.1:${port}. Check your connection, or copy the model folder ` +
        `into ${path.join(destDir, BOW_MODEL_ID)}.`,
    );
    expect(findLocalModel(BOW_MODEL_ID, [destDir])).toBeNull();
  });

  it('a required file missing on the hub fails with bad_response', async () => {
    const repo = repoFromFolder(bowDir);
    delete repo['tokenizer.json'];
    hub = await startTestHub({ [BOW_MODEL_ID]: repo });
    const error = await failure(
      downloadModel({
        modelId: BOW_MODEL_ID,
        destDir: path.join(dir, 'models'),
        files: MODEL_DOWNLOAD_FILES,
        hubUrl: hub.url,
      }),
    );
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('tokenizer.json');
  });
});

describe('the download service', () => {
  function service(hubUrl: string) {
    const streamHub = new StreamHub();
    const events: ModelDownloadState[] = [];
    streamHub.onAnyEvent((e) => {
      if (e.stream === SYSTEM_STREAM && e.type === 'model.download.progress') events.push(e.data);
    });
    const installed: string[] = [];
    const downloads = new ModelDownloads({
      hub: streamHub,
      searchDirs: [path.join(dir, 'models')],
      hubUrl,
      modelIds: () => ({
        embedding: BOW_MODEL_ID,
        reranker: 'quire-test/absent-reranker',
        entailment: 'quire-test/absent-entailment',
      }),
      onInstalled: async (_kind, modelId) => {
        installed.push(modelId);
        return false;
      },
    });
    return { downloads, events, installed, streamHub };
  }

  it('cancel ends in the cancelled state and nothing is marked present', async () => {
    hub = await startTestHub(
      { [BOW_MODEL_ID]: repoFromFolder(bowDir) },
      { stallAfter: { path: WEIGHTS, bytes: 1_000_000 } },
    );
    const { downloads, events, installed, streamHub } = service(hub.url);
    expect(downloads.status()[0]).toMatchObject({ kind: 'embedding', present: false });
    const started = downloads.start('embedding');
    expect(started.state).toBe('running');
    // Started twice, it is still one download.
    expect(downloads.start('embedding').state).toBe('running');
    await until(() => events.some((e) => e.file === WEIGHTS && e.receivedBytes > 0));
    expect(downloads.cancel('embedding')).toBe(true);
    const final = await downloads.settled('embedding');
    expect(final).toMatchObject({ state: 'cancelled', error: null });
    expect(events.at(-1)!.state).toBe('cancelled');
    expect(installed).toEqual([]);
    expect(downloads.status()[0]).toMatchObject({
      present: false,
      download: { state: 'cancelled' },
    });
    expect(findLocalModel(BOW_MODEL_ID, [path.join(dir, 'models')])).toBeNull();
    // A window opened now starts from the same state.
    expect(streamHub.snapshotOf(SYSTEM_STREAM)).toEqual({ downloads: [final] });
    await downloads.close();
  });

  it('reports errors as events with their code, and Retry completes and installs the model', async () => {
    hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) }, { wrongHash: WEIGHTS });
    const first = service(hub.url);
    first.downloads.start('embedding');
    expect(await first.downloads.settled('embedding')).toMatchObject({
      state: 'error',
      error: { code: 'bad_response' },
    });
    await first.downloads.close();
    await hub.close();

    hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) });
    const retry = service(hub.url);
    retry.downloads.start('embedding');
    const done = await retry.downloads.settled('embedding');
    expect(done).toMatchObject({ state: 'done', fraction: 1, restartRequired: false });
    expect(done!.totalBytes).toBeGreaterThan(3_000_000);
    expect(retry.installed).toEqual([BOW_MODEL_ID]);
    expect(retry.downloads.status()[0]).toMatchObject({ present: true });
    const running = retry.events.filter((e) => e.state === 'running');
    expect(running.length).toBeGreaterThan(2);
    for (const e of running) expect(e.receivedBytes).toBeLessThanOrEqual(e.totalBytes ?? Infinity);
    await retry.downloads.close();
  });
});

describe('which weights an embedding download fetches', () => {
  it('the int8 file unless the setting asks for fp32, and the embedder then loads what came', async () => {
    hub = await startTestHub({ [BOW_MODEL_ID]: repoFromFolder(bowDir) });
    for (const [preference, file] of [
      ['auto', 'model_quantized.onnx'],
      ['q8', 'model_quantized.onnx'],
      ['fp32', 'model.onnx'],
    ] as const) {
      const destDir = path.join(dir, preference);
      const downloads = new ModelDownloads({
        hub: new StreamHub(),
        searchDirs: [destDir],
        hubUrl: hub.url,
        modelIds: () => ({ embedding: BOW_MODEL_ID, reranker: 'x/r', entailment: 'x/e' }),
        onInstalled: async () => false,
        embeddingDtype: () => preference,
      });
      downloads.start('embedding');
      expect(await downloads.settled('embedding')).toMatchObject({ state: 'done' });
      await downloads.close();
      expect(fs.readdirSync(path.join(destDir, BOW_MODEL_ID, 'onnx'))).toEqual([file]);
      // A folder with one of the files uses it, whatever the preference.
      const embedder = await createEmbedder({
        modelId: BOW_MODEL_ID,
        localModelPath: destDir,
        backend: 'native',
        dtype: preference === 'fp32' ? 'q8' : 'fp32',
      });
      expect(embedder.dtype).toBe(file === 'model.onnx' ? 'fp32' : 'q8');
      await embedder.dispose();
    }
  });
});

async function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
