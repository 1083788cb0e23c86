import type {
  MethodArgs,
  MethodName,
  MethodResult,
  SubscribeResult,
} from '../../../shared/contract';
import type { EventCategory } from '../../../shared/events';
import { err, type Result } from '../../../shared/result';
import {
  decodeSseMessage,
  SseDecoder,
  SSE_RESYNC_EVENT,
  SSE_SNAPSHOT_EVENT,
} from '../../../shared/sse';
import { StreamFollower, type SubscribingFollower } from '../../../shared/stream-follower';
import type { ConnectionState, InvokeOptions } from '../../../shared/transport';
import type { UploadingTransport } from './upload';

const TOKEN_KEY = 'quire.token';
/** Pings arrive every 15 s; silence for this long means the connection is dead. */
const SILENCE_LIMIT_MS = 40_000;

/** Reads the token from the URL fragment once, then keeps it for this tab only. */
export function takeTokenFromLocation(location: Location, storage: Storage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem(TOKEN_KEY);
}

type StreamConnection = {
  follower: SubscribingFollower;
  categories: EventCategory[] | undefined;
  abort: AbortController | null;
  stopped: boolean;
};

/** The contract over HTTP: POST for methods, one SSE response per followed stream. */
export function createHttpTransport(baseUrl: string, token: string | null): UploadingTransport {
  // Without a token every request would be refused: say so at once instead of "Connecting…".
  let state: ConnectionState = token ? 'connecting' : 'unauthorized';
  const listeners = new Set<(s: ConnectionState) => void>();
  const streams = new Set<StreamConnection>();
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

  function setState(next: ConnectionState) {
    if (state === next) return;
    state = next;
    for (const l of listeners) l(next);
  }

  async function invoke<M extends MethodName>(
    method: M,
    args: MethodArgs<M>,
    options: InvokeOptions = {},
  ): Promise<Result<MethodResult<M>>> {
    const [domain, name] = method.split('.');
    try {
      // Aborting closes the request; the server sees it close and aborts the handler's signal.
      const response = await fetch(`${baseUrl}/api/${domain}/${name}`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/json' },
        body: JSON.stringify(args ?? {}),
        signal: options.signal,
      });
      if (response.status === 401) setState('unauthorized');
      return (await response.json()) as Result<MethodResult<M>>;
    } catch {
      if (options.signal?.aborted)
        return err({ code: 'cancelled', message: 'The request was cancelled.' });
      return err({
        code: 'unreachable',
        message: 'Quire is not reachable. Is it still running?',
        retryable: true,
      });
    }
  }

  async function run(conn: StreamConnection) {
    let delay = 500;
    while (!conn.stopped) {
      const abort = new AbortController();
      conn.abort = abort;
      let silence: ReturnType<typeof setTimeout> | undefined;
      const resetSilence = () => {
        clearTimeout(silence);
        silence = setTimeout(() => abort.abort(), SILENCE_LIMIT_MS);
      };
      try {
        const query = conn.categories?.length ? `?categories=${conn.categories.join(',')}` : '';
        const resume = conn.follower.resumeFrom;
        conn.follower.beginSubscribe(resume === undefined);
        const response = await fetch(
          `${baseUrl}/api/streams/${encodeURIComponent(conn.follower.stream)}${query}`,
          {
            headers: {
              ...headers(),
              accept: 'text/event-stream',
              ...(resume !== undefined ? { 'last-event-id': String(resume) } : {}),
            },
            signal: abort.signal,
            cache: 'no-store',
          },
        );
        if (response.status === 401) {
          setState('unauthorized');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setState('connected');
        delay = 500;
        resetSilence();
        const decoder = new SseDecoder();
        const text = new TextDecoder();
        const reader = response.body.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          resetSilence();
          let gap = false;
          for (const message of decoder.push(text.decode(value, { stream: true }))) {
            const decoded = decodeSseMessage(message);
            // A bug in a handler is reported, not mistaken for a dropped connection: a
            // reconnect would replay the same event into the same bug, forever.
            try {
              if (
                decoded.kind === 'control' &&
                (decoded.name === SSE_SNAPSHOT_EVENT || decoded.name === SSE_RESYNC_EVENT)
              ) {
                if (conn.follower.applySubscribe(decoded.data as SubscribeResult) === 'gap')
                  gap = true;
              } else if (decoded.kind === 'event') {
                if (conn.follower.applyEvent(decoded.event) === 'gap') gap = true;
              }
            } catch (error) {
              reportHandlerError(conn.follower.stream, error);
            }
          }
          if (gap) abort.abort();
        }
      } catch {
        // The connection failed or was aborted for a gap: reconnect from the last seq.
      } finally {
        clearTimeout(silence);
      }
      if (conn.stopped) return;
      setState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  async function upload(file: File): Promise<Result<MethodResult<'library.add'>>> {
    try {
      const response = await fetch(`${baseUrl}/api/files/upload`, {
        method: 'POST',
        headers: {
          ...headers(),
          'content-type': 'application/octet-stream',
          'x-file-name': encodeURIComponent(file.name),
        },
        body: file,
      });
      if (response.status === 401) setState('unauthorized');
      return (await response.json()) as Result<MethodResult<'library.add'>>;
    } catch {
      return err({
        code: 'unreachable',
        message: `"${file.name}" could not be sent to Quire. Is it still running?`,
        retryable: true,
      });
    }
  }

  return {
    kind: 'http',
    get connectionState() {
      return state;
    },
    invoke,
    upload,
    follow(stream, handlers, afterSeq) {
      const conn: StreamConnection = {
        follower: new StreamFollower(
          stream,
          handlers,
          afterSeq,
          Boolean(handlers.categories?.length),
        ),
        categories: handlers.categories,
        abort: null,
        stopped: false,
      };
      streams.add(conn);
      void run(conn);
      return () => {
        conn.stopped = true;
        conn.abort?.abort();
        streams.delete(conn);
      };
    },
    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const conn of streams) {
        conn.stopped = true;
        conn.abort?.abort();
      }
      streams.clear();
      setState('disconnected');
    },
  };
}

/** Handler bugs go to the console with the stream they came from; the stream keeps going. */
function reportHandlerError(stream: string, error: unknown): void {
  console.error(`Quire: handling an event of "${stream}" failed`, error);
}
