// Fetches one Hugging Face model folder: resumable, verified, and marked complete only at the end.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { QuireError } from '../../../shared/errors';
import { assertModelId, DOWNLOAD_STAMP } from '../embedding/model-location';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

export type HubFile = {
  /** The path inside the model repository, e.g. `onnx/model_quantized.onnx`. */
  path: string;
  /** A missing optional file (404) is skipped; a missing required file fails the download. */
  required: boolean;
};

export type DownloadProgress = {
  modelId: string;
  file: string;
  receivedBytes: number;
  totalBytes: number;
  fraction: number;
};

export type ModelDownloadOptions = {
  modelId: string;
  /** The models folder: files land in `<destDir>/<modelId>/`. */
  destDir: string;
  files: readonly HubFile[];
  hubUrl?: string;
  revision?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Attempts per file when the connection drops mid-file; each one resumes where the last stopped. */
  attempts?: number;
  /** A connection that sends nothing for this long is dropped and resumed. */
  stallMs?: number;
};

/** Long enough for a slow CDN to start, short enough that a dead link does not hang the bar. */
const DEFAULT_STALL_MS = 30_000;

export type DownloadedFile = { path: string; size: number; sha256: string | null };
type Stamp = {
  complete: boolean;
  modelId: string;
  revision: string;
  files: DownloadedFile[];
  at: number;
};

type RemoteFile = {
  path: string;
  url: string;
  size: number;
  /** The LFS object's sha256 (X-Linked-ETag); small files carry a plain ETag that is no hash. */
  sha256: string | null;
};

/**
 * Downloads the model's files from `${hubUrl}/${modelId}/resolve/${revision}/${path}`.
 * Each file streams into `<file>.part` (resumed with a Range request if one exists), is checked
 * against the hub's size and, for LFS files, sha256, and is then renamed into place. Until the
 * stamp says complete, the folder counts as absent (model-location's isDownloadUnfinished).
 */
export async function downloadModel(options: ModelDownloadOptions): Promise<DownloadedFile[]> {
  assertModelId(options.modelId);
  const hubUrl = (options.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const modelDir = path.join(options.destDir, options.modelId);
  const context = {
    hubUrl,
    destDir: options.destDir,
    modelId: options.modelId,
    stallMs: options.stallMs ?? DEFAULT_STALL_MS,
  };

  await withFsErrors(context, async () => {
    await fs.mkdir(modelDir, { recursive: true });
    await writeStamp(modelDir, {
      complete: false,
      modelId: options.modelId,
      revision,
      files: [],
      at: Date.now(),
    });
  });

  const remote: RemoteFile[] = [];
  for (const file of options.files) {
    const url = `${hubUrl}/${options.modelId}/resolve/${encodeURIComponent(revision)}/${file.path}`;
    const found = await describe(url, file, options.signal, context);
    if (found) remote.push(found);
  }
  const totalBytes = remote.reduce((sum, f) => sum + f.size, 0);
  let doneBytes = 0;
  const done: DownloadedFile[] = [];
  for (const file of remote) {
    const target = path.join(modelDir, ...file.path.split('/'));
    const base = doneBytes;
    await fetchFile(file, target, {
      signal: options.signal,
      attempts: options.attempts ?? 3,
      context,
      onBytes: (received) =>
        options.onProgress?.({
          modelId: options.modelId,
          file: file.path,
          receivedBytes: base + received,
          totalBytes,
          fraction: totalBytes > 0 ? Math.min(1, (base + received) / totalBytes) : 1,
        }),
    });
    doneBytes += file.size;
    done.push({ path: file.path, size: file.size, sha256: file.sha256 });
  }
  await withFsErrors(context, () =>
    writeStamp(modelDir, {
      complete: true,
      modelId: options.modelId,
      revision,
      files: done,
      at: Date.now(),
    }),
  );
  return done;
}

type Context = { hubUrl: string; destDir: string; modelId: string; stallMs: number };

/** Asks for a file's size and hash without following the LFS redirect (as the hub's own clients do). */
async function describe(
  url: string,
  file: HubFile,
  signal: AbortSignal | undefined,
  context: Context,
): Promise<RemoteFile | null> {
  const response = await request(url, { method: 'HEAD', redirect: 'manual', signal }, context);
  if (response.status === 404) {
    if (!file.required) return null;
    throw new QuireError(
      'bad_response',
      `The model "${context.modelId}" has no file ${file.path} on ${hostOf(context.hubUrl)}.`,
    );
  }
  checkStatus(response, context);
  const linkedSize = response.headers.get('x-linked-size');
  const size = Number(linkedSize ?? response.headers.get('content-length'));
  if (!Number.isFinite(size) || size < 0)
    throw new QuireError(
      'bad_response',
      `${hostOf(context.hubUrl)} did not say how large ${file.path} is, so it cannot be checked.`,
    );
  const linkedEtag = response.headers.get('x-linked-etag');
  const sha256 = linkedEtag ? linkedEtag.replace(/^W\//, '').replace(/"/g, '').toLowerCase() : null;
  return {
    path: file.path,
    url,
    size,
    sha256: sha256 && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : null,
  };
}

async function fetchFile(
  file: RemoteFile,
  target: string,
  options: {
    signal: AbortSignal | undefined;
    attempts: number;
    context: Context;
    onBytes: (received: number) => void;
  },
): Promise<void> {
  const { context } = options;
  const part = `${target}.part`;
  await withFsErrors(context, () => fs.mkdir(path.dirname(target), { recursive: true }));
  for (let attempt = 1; ; attempt++) {
    let have = await sizeOf(part);
    if (have > file.size) {
      await fs.rm(part, { force: true });
      have = 0;
    }
    try {
      if (have < file.size) await receive(file, part, have, options);
      break;
    } catch (error) {
      // A dropped connection keeps the .part, so the next attempt (or a later Retry) resumes.
      if (!(error instanceof InterruptedError) || attempt >= options.attempts) {
        throw error instanceof InterruptedError
          ? new QuireError(
              'unreachable',
              `The connection to ${hostOf(context.hubUrl)} kept dropping while downloading ${file.path}. ` +
                `Retry to continue where it stopped.`,
              { retryable: true, cause: error.cause },
            )
          : error;
      }
    }
  }
  await verify(file, part, context);
  await withFsErrors(context, () => fs.rename(part, target));
  options.onBytes(file.size);
}

class InterruptedError extends Error {}

async function receive(
  file: RemoteFile,
  part: string,
  have: number,
  options: { signal: AbortSignal | undefined; context: Context; onBytes: (n: number) => void },
): Promise<void> {
  const { context, signal } = options;
  const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
  const stall = stallGuard(context.stallMs, signal);
  try {
    await receiveGuarded(file, part, have, headers, stall, options);
  } catch (error) {
    // A silent server is treated like a dropped connection: resume from the .part.
    if (stall.stalled() && !signal?.aborted)
      throw new InterruptedError('the server stopped sending', { cause: error });
    throw error;
  } finally {
    stall.dispose();
  }
}

async function receiveGuarded(
  file: RemoteFile,
  part: string,
  have: number,
  headers: Record<string, string>,
  stall: StallGuard,
  options: { signal: AbortSignal | undefined; context: Context; onBytes: (n: number) => void },
): Promise<void> {
  const { context, signal } = options;
  const response = await request(file.url, { headers, signal: stall.signal }, context);
  if (response.status === 416) {
    // The partial file does not fit what the server holds now: start over.
    await response.body?.cancel().catch(() => undefined);
    await fs.rm(part, { force: true });
    throw new InterruptedError('range not satisfiable');
  }
  checkStatus(response, context);
  const resumed = response.status === 206;
  let received = resumed ? have : 0;
  const handle = await withFsErrors(context, () => fs.open(part, resumed ? 'a' : 'w'));
  try {
    if (!response.body) throw new InterruptedError('no body');
    options.onBytes(received);
    let reported = received;
    const step = Math.max(64 * 1024, Math.floor(file.size / 200));
    for await (const chunk of iterateBody(response.body, signal)) {
      stall.touch();
      await withFsErrors(context, () => handle.write(chunk));
      received += chunk.byteLength;
      if (received - reported >= step) {
        reported = received;
        options.onBytes(received);
      }
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (received < file.size) throw new InterruptedError('the body ended early');
}

type StallGuard = {
  signal: AbortSignal;
  touch: () => void;
  stalled: () => boolean;
  dispose: () => void;
};

/** Aborts when nothing arrives for `ms` (touch restarts the clock) or when the user cancels. */
function stallGuard(ms: number, outer: AbortSignal | undefined): StallGuard {
  const controller = new AbortController();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, ms);
  };
  const onCancel = () => controller.abort();
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener('abort', onCancel, { once: true });
  touch();
  return {
    signal: controller.signal,
    touch,
    stalled: () => stalled,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onCancel);
    },
  };
}

async function* iterateBody(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        throw new InterruptedError('the connection dropped', { cause: error });
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function verify(file: RemoteFile, part: string, context: Context): Promise<void> {
  const size = await sizeOf(part);
  let problem: string | null = null;
  if (size !== file.size) problem = `is ${size} bytes instead of ${file.size}`;
  else if (file.sha256 && (await sha256Of(part)) !== file.sha256)
    problem = 'does not match its published checksum';
  if (problem === null) return;
  await fs.rm(part, { force: true });
  throw new QuireError(
    'bad_response',
    `The downloaded ${file.path} ${problem}, so it was deleted. Retry the download; if this keeps ` +
      `happening, copy the model folder into ${path.join(context.destDir, context.modelId)}.`,
    { retryable: true },
  );
}

async function request(url: string, init: RequestInit, context: Context): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw cancelled();
    throw unreachable(context, error);
  }
}

function checkStatus(response: Response, context: Context): void {
  const { status } = response;
  if (status >= 200 && status < 400) return;
  void response.body?.cancel().catch(() => undefined);
  const host = hostOf(context.hubUrl);
  if (status === 401 || status === 403)
    throw new QuireError(
      'auth',
      `${host} refused to send "${context.modelId}" (HTTP ${status}); the model may need an account.`,
    );
  if (status === 429)
    throw new QuireError('rate_limit', `${host} asked Quire to slow down. Try again in a minute.`, {
      retryable: true,
    });
  throw new QuireError(
    'bad_response',
    `${host} answered HTTP ${status} for "${context.modelId}". Try again later.`,
    { retryable: status >= 500 },
  );
}

function unreachable(context: Context, cause: unknown): QuireError {
  return new QuireError(
    'unreachable',
    `Quire could not reach ${hostOf(context.hubUrl)}. Check your connection, or copy the model ` +
      `folder into ${path.join(context.destDir, context.modelId)}.`,
    { retryable: true, cause },
  );
}

function cancelled(): QuireError {
  return new QuireError('cancelled', 'The download was cancelled.');
}

/** Runs a file-system step; a full disk becomes 'disk_full' in plain words. */
async function withFsErrors<T>(context: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new QuireError(
        'disk_full',
        `The disk holding ${context.destDir} is full, so "${context.modelId}" could not be saved. ` +
          `Free some space and retry; the part already downloaded is kept.`,
        { retryable: true, cause: error },
      );
    throw error;
  }
}

function hostOf(hubUrl: string): string {
  try {
    return new URL(hubUrl).host;
  } catch {
    return hubUrl;
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeStamp(modelDir: string, stamp: Stamp): Promise<void> {
  const file = path.join(modelDir, DOWNLOAD_STAMP);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(stamp, null, 2));
  await fs.rename(`${file}.tmp`, file);
}
