import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next chat request should get. Tokens are the text deltas, in order. */
export type WireBehaviour =
  | { type: 'stream'; tokens: string[]; delayMs?: number; finish?: 'stop' | 'length' }
  | { type: 'http-error'; status: number; body: unknown; headers?: Record<string, string> }
  /** Sends `after` tokens, then destroys the socket (a mid-stream network drop). */
  | { type: 'disconnect'; tokens: string[]; after: number }
  /** Sends `after` tokens, then nothing ever again (exercises the idle time-out). */
  | { type: 'hang'; tokens: string[]; after: number }
  /** Accepts the request and never sends headers (exercises the connect time-out). */
  | { type: 'hang-before-headers' }
  /** Sends `after` tokens, then a data line that is not JSON. */
  | { type: 'malformed'; tokens: string[]; after: number }
  /** A 200 whose body is an HTML page: a base URL that points at a website. */
  | { type: 'web-page' }
  /** Sends `after` tokens, then the provider's documented in-stream error event. */
  | { type: 'stream-error'; tokens: string[]; after: number; error: unknown };

export type RecordedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Data events written so far (tokens, for chat requests). */
  sent: number;
  /** True once the client closed the connection before we finished the response. */
  closedEarly: boolean;
  /** Resolves when the connection closes, either way. */
  closed: Promise<void>;
};

/** One behaviour for every request, or one chosen per request (a scripted conversation). */
export type BehaviourFor = WireBehaviour | ((request: RecordedRequest) => WireBehaviour);

export type WireServer = {
  url: string;
  requests: RecordedRequest[];
  setBehaviour(behaviour: BehaviourFor): void;
  close(): Promise<void>;
};

export type RouteContext = {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  behaviour: WireBehaviour;
  /** Writes one SSE block unless the client has gone; false if it has. */
  write(block: string): boolean;
  isClosed(): boolean;
  sleep(ms: number): Promise<void>;
};

export type Route = (ctx: RouteContext) => Promise<void> | void;

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A loopback HTTP server (port 0) whose routes speak one provider's wire format. */
export async function startWireServer(routes: Record<string, Route>): Promise<WireServer> {
  let behaviour: BehaviourFor = { type: 'stream', tokens: ['Hello', ' world'] };
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      let finished = false;
      let markClosed: () => void = () => {};
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] ?? '/',
        headers: req.headers,
        body,
        sent: 0,
        closedEarly: false,
        closed: new Promise<void>((resolve) => (markClosed = resolve)),
      };
      requests.push(record);
      res.on('finish', () => (finished = true));
      res.on('close', () => {
        if (!finished) record.closedEarly = true;
        markClosed();
      });
      const route = routes[`${record.method} ${record.path}`];
      if (!route) return sendJson(res, 404, { error: { message: `no route ${record.path}` } });
      const isClosed = () => res.destroyed || record.closedEarly;
      await route({
        req,
        res,
        record,
        behaviour: typeof behaviour === 'function' ? behaviour(record) : behaviour,
        isClosed,
        write: (block) => (isClosed() ? false : (res.write(block), true)),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour: (next) => (behaviour = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Streams `tokens` through `encode`, honouring delay, disconnect, hang and malformed behaviours.
 * Returns true when the caller should send its terminal events.
 */
export async function streamTokens(
  ctx: RouteContext,
  encode: (token: string) => string,
  frames: { error: (error: unknown) => string; malformed: string },
): Promise<boolean> {
  const b = ctx.behaviour;
  if (b.type === 'http-error' || b.type === 'hang-before-headers' || b.type === 'web-page')
    return false;
  const limit = b.type === 'stream' ? b.tokens.length : b.after;
  const delayMs = b.type === 'stream' ? (b.delayMs ?? 0) : 0;
  for (const token of b.tokens.slice(0, limit)) {
    if (delayMs > 0) await ctx.sleep(delayMs);
    if (!ctx.write(encode(token))) return false;
    ctx.record.sent += 1;
  }
  if (b.type === 'stream') return true;
  if (b.type === 'disconnect') {
    // http corks writes until the next tick: flush them so the client really gets the tokens.
    const socket = ctx.res.socket;
    await new Promise((resolve) => setImmediate(resolve));
    if (socket && socket.writableLength > 0) await once(socket, 'drain');
    socket?.destroy();
  }
  if (b.type === 'malformed') {
    ctx.write(frames.malformed);
    ctx.res.end();
  }
  if (b.type === 'stream-error') {
    ctx.write(frames.error(b.error));
    ctx.res.end();
  }
  // 'hang': leave the response open and silent.
  return false;
}
