// A command that writes cannot open a data folder another Quire writes (one writer per folder,
// data-lock.ts). When that Quire serves its HTTP API (the app, `quire serve`), the command
// becomes its client instead: the same contract, over loopback, with the token it left in the
// folder (server/server-file.ts).
import fs from 'node:fs';
import http from 'node:http';
import type { Collection } from '../../../shared/collections';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import type { DocumentInfo } from '../../../shared/documents';
import { QuireError } from '../../../shared/errors';
import type { StreamEvent } from '../../../shared/events';
import { err, type Result } from '../../../shared/result';
import { decodeSseMessage, SseDecoder } from '../../../shared/sse';
import { readServerFile } from '../server/server-file';

/** A quick ping: a live Quire on loopback answers app.info in milliseconds. */
const PING_TIMEOUT_MS = 2000;

export type RunningQuire = {
  url: string;
  invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>>;
  /**
   * Follows a stream's events as SSE: from `afterSeq` (replayed by the server, so nothing sent
   * since is missed), or from now.
   */
  follow(stream: string, onEvent: (event: StreamEvent) => void, afterSeq?: number): StreamFollowing;
};

export type StreamFollowing = {
  /**
   * Resolves once the server follows the stream for us: it subscribes in the same turn as it
   * sends the response's headers, so any call made after this is heard on the stream.
   */
  ready: Promise<void>;
  /** Resolves when the connection ends: the server went away, or stop() was called. */
  ended: Promise<void>;
  stop: () => void;
};

/**
 * The Quire serving `dataDir`, if its server file names one that answers with our token and
 * serves this very folder; null otherwise (no file, a stale one after a crash, another folder).
 */
export async function findRunningQuire(dataDir: string): Promise<RunningQuire | null> {
  const found = readServerFile(dataDir);
  if (!found) return null;
  const quire = httpClient(found.url, found.token);
  const info = await quire.invoke('app.info', {}).catch(() => null);
  if (!info?.ok || info.value.name !== 'Quire') return null;
  return sameFolder(info.value.dataDir, dataDir) ? quire : null;
}

/**
 * Opens the data folder as its writer, or, when another Quire writes it and serves its API,
 * connects to that one. Without a server to join, the refusal (`data_in_use`) stands.
 */
export async function openOrJoin<T>(
  dataDir: string,
  open: () => Promise<T>,
  /** The --library the command names: the running Quire may serve another one, so no joining. */
  library?: string,
): Promise<{ core: T; running?: never } | { core?: never; running: RunningQuire }> {
  try {
    return { core: await open() };
  } catch (error) {
    if (!(error instanceof QuireError) || error.code !== 'data_in_use') throw error;
    if (library)
      throw new QuireError(
        'data_in_use',
        `${error.message} A command given --library does not run through it, as it may ` +
          'serve another library: give this one its own --data folder.',
      );
    const running = await findRunningQuire(dataDir);
    if (!running) throw error;
    return { running };
  }
}

/**
 * A collection by id or name (ignoring case), as CollectionService.resolve finds it in-process;
 * an unknown one is `not_found` naming those there are.
 */
export async function resolveCollection(
  running: RunningQuire,
  idOrName: string,
): Promise<Collection> {
  const listed = await running.invoke('collections.list', {});
  if (!listed.ok) throw new QuireError(listed.error.code, listed.error.message);
  const wanted = idOrName.trim().toLowerCase();
  const found =
    listed.value.find((c) => c.id === idOrName) ??
    listed.value.find((c) => c.name.toLowerCase() === wanted);
  if (found) return found;
  const known = listed.value.map((c) => `"${c.name}"`);
  const hint = known.length ? ` Collections: ${known.join(', ')}.` : ' There are none yet.';
  throw new QuireError('not_found', `There is no collection "${idOrName}".${hint}`);
}

/**
 * Documents of the served library that `wanted` picks, `count` at most, read a page at a time
 * (`search` narrows the pages to names and paths that contain it).
 */
export async function findDocuments(
  running: RunningQuire,
  wanted: (doc: DocumentInfo) => boolean,
  count: number,
  search = '',
): Promise<DocumentInfo[]> {
  const found: DocumentInfo[] = [];
  const limit = 1000;
  for (let offset = 0; found.length < count; offset += limit) {
    // Oldest first: documents the app adds meanwhile go at the end, not under the pages read.
    const page = await running.invoke('library.query', {
      offset,
      limit,
      sort: 'oldest',
      search: search.slice(-500),
    });
    if (!page.ok) break;
    found.push(...page.value.documents.filter(wanted));
    if (offset + limit >= page.value.total) break;
  }
  return found;
}

function sameFolder(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return p;
    }
  };
  const [x, y] = [real(a), real(b)];
  return process.platform === 'win32' || process.platform === 'darwin'
    ? x.toLowerCase() === y.toLowerCase()
    : x === y;
}

function httpClient(url: string, token: string): RunningQuire {
  const authorization = `Bearer ${token}`;
  return {
    url,
    async invoke(method, args) {
      const [domain, name] = method.split('.');
      // Only the ping is quick: a library.add of a large folder may take a while to answer.
      const signal = method === 'app.info' ? AbortSignal.timeout(PING_TIMEOUT_MS) : undefined;
      try {
        const response = await fetch(`${url}/api/${domain}/${name}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(args ?? {}),
          ...(signal ? { signal } : {}),
        });
        return (await response.json()) as Result<MethodResult<typeof method>>;
      } catch {
        return err({
          code: 'unreachable',
          message: 'The Quire serving this data folder stopped answering.',
          retryable: true,
        });
      }
    },
    follow(stream, onEvent, afterSeq) {
      let markReady!: () => void;
      let markEnded!: () => void;
      const ready = new Promise<void>((resolve) => (markReady = resolve));
      const ended = new Promise<void>((resolve) => (markEnded = resolve));
      const finish = () => {
        markReady();
        markEnded();
      };
      const decoder = new SseDecoder();
      const request = http.get(
        `${url}/api/streams/${encodeURIComponent(stream)}`,
        {
          headers: {
            authorization,
            accept: 'text/event-stream',
            ...(afterSeq !== undefined ? { 'last-event-id': String(afterSeq) } : {}),
          },
        },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume();
            finish();
            return;
          }
          markReady();
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            for (const message of decoder.push(chunk)) {
              const decoded = decodeSseMessage(message);
              if (decoded.kind === 'event') onEvent(decoded.event);
            }
          });
          response.on('close', finish);
        },
      );
      request.on('error', finish);
      return { ready, ended, stop: () => request.destroy() };
    },
  };
}
