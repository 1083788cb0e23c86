import http from 'node:http';
import type { StreamEvent } from '../../shared/events';
import { decodeSseMessage, SseDecoder } from '../../shared/sse';

export type SseClient = {
  events: StreamEvent[];
  controls: { name: string; data: unknown }[];
  comments: () => number;
  status: Promise<number>;
  closed: Promise<void>;
  destroy: () => void;
};

/** A minimal real SSE client over node:http, for tests and benchmarks. */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
  onEvent?: (e: StreamEvent) => void,
): SseClient {
  const decoder = new SseDecoder();
  const events: StreamEvent[] = [];
  const controls: { name: string; data: unknown }[] = [];
  let resolveStatus!: (code: number) => void;
  let resolveClosed!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      for (const message of decoder.push(chunk)) {
        const decoded = decodeSseMessage(message);
        if (decoded.kind === 'event') {
          events.push(decoded.event);
          onEvent?.(decoded.event);
        } else if (decoded.kind === 'control')
          controls.push({ name: decoded.name, data: decoded.data });
      }
    });
    res.on('close', () => resolveClosed());
  });
  req.on('error', () => {
    resolveStatus(0);
    resolveClosed();
  });
  return {
    events,
    controls,
    comments: () => decoder.comments,
    status,
    closed,
    destroy: () => req.destroy(),
  };
}
