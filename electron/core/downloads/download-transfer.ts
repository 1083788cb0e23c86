// The transfer's edges: the HTTP request, its failures in plain words, a body read chunk by
// chunk, and a guard that gives up on a server that stops sending.
import path from 'node:path';
import { QuireError } from '../../../shared/errors';

export type Context = { hubUrl: string; destDir: string; modelId: string; stallMs: number };

/** The connection broke off; the download resumes from its .part file. */
export class InterruptedError extends Error {}

export type StallGuard = {
  signal: AbortSignal;
  touch: () => void;
  stalled: () => boolean;
  dispose: () => void;
};

/** Aborts when nothing arrives for `ms` (touch restarts the clock) or when the user cancels. */
export function stallGuard(ms: number, outer: AbortSignal | undefined): StallGuard {
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

export async function* iterateBody(
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

export async function request(url: string, init: RequestInit, context: Context): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw cancelled();
    throw unreachable(context, error);
  }
}

export function checkStatus(response: Response, context: Context): void {
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

export function unreachable(context: Context, cause: unknown): QuireError {
  return new QuireError(
    'unreachable',
    `Quire could not reach ${hostOf(context.hubUrl)}. Check your connection, or copy the model ` +
      `folder into ${path.join(context.destDir, context.modelId)}.`,
    { retryable: true, cause },
  );
}

export function cancelled(): QuireError {
  return new QuireError('cancelled', 'The download was cancelled.');
}

/** Runs a file-system step; a full disk becomes 'disk_full' in plain words. */
export async function withFsErrors<T>(context: Context, work: () => Promise<T>): Promise<T> {
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

export function hostOf(hubUrl: string): string {
  try {
    return new URL(hubUrl).host;
  } catch {
    return hubUrl;
  }
}
