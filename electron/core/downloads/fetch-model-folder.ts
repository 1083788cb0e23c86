// Fetches one Hugging Face model folder: resumable, verified, and marked complete only at the end.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { QuireError } from '../../../shared/errors';
import { assertModelId, DOWNLOAD_STAMP } from '../embedding/model-location';
import {
  hostOf,
  checkStatus,
  InterruptedError,
  iterateBody,
  request,
  stallGuard,
  withFsErrors,
  type Context,
  type StallGuard,
} from './download-transfer';

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
