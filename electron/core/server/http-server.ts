import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../rpc/dispatch';
import type { StreamHub } from '../streams/stream-hub';
import { hostGuard, originGuard, ownHosts, tokenGuard } from './http-guards';
import { sendError, type Guard, type RequestContext, type Route } from './http-respond';
import { methodRoute } from './method-route';
import { serveStatic } from './static-files';
import { streamRoute } from './stream-route';
import { uploadRoute } from './upload-route';

export type HttpServerOptions = {
  dispatch: Dispatch;
  hub: StreamHub;
  /** Loopback only; anything else is refused. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  port?: number;
  token?: string;
  rendererDir?: string | null;
  pingIntervalMs?: number;
  maxStreamsPerToken?: number;
  maxBodyBytes?: number;
  /** Where browser uploads are saved before they are added to the library; null disables uploads. */
  uploadsDir?: string | null;
  maxUploadBytes?: number;
};

export type RunningServer = {
  url: string;
  /** The URL a browser opens: the token travels in the fragment, which is never sent to servers. */
  openUrl: string;
  port: number;
  token: string;
  close: () => Promise<void>;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** The request's URL; a Host header no URL can hold still yields one, and the host guard refuses it. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    return new URL(req.url ?? '/', 'http://invalid-host');
  }
}

/** Guards in order, then the page's files outside /api/, then the first route that matches. */
export function createRequestHandler(parts: {
  guards: Guard[];
  apiGuards: Guard[];
  routes: Route[];
  rendererDir: string | null;
}) {
  return async function handle(ctx: RequestContext): Promise<void> {
    const { req, res, url } = ctx;
    if (!parts.guards.every((guard) => guard(ctx))) return;
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405).end();
      else await serveStatic(parts.rendererDir, url.pathname, res);
      return;
    }
    if (!parts.apiGuards.every((guard) => guard(ctx))) return;
    for (const route of parts.routes) {
      const match = route.method === req.method ? route.path.exec(url.pathname) : null;
      if (match) return route.handle(ctx, match.slice(1));
    }
    sendError(res, 404, { code: 'not_found', message: 'No such endpoint.' });
  };
}

/** The local HTTP API: the contract as JSON over POST, events as real SSE. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error('The Quire HTTP API listens on loopback only.');
  const token = options.token ?? randomBytes(32).toString('base64url');
  const openStreams = new Set<ServerResponse>();
  let port = 0;
  const hosts = ownHosts(() => port);

  const handle = createRequestHandler({
    guards: [hostGuard(hosts), originGuard(hosts)],
    apiGuards: [tokenGuard(token)],
    routes: [
      streamRoute({
        hub: options.hub,
        pingIntervalMs: options.pingIntervalMs ?? 15_000,
        maxStreams: options.maxStreamsPerToken ?? 32,
        open: openStreams,
      }),
      uploadRoute(
        options.dispatch,
        options.uploadsDir ?? null,
        options.maxUploadBytes ?? 200 * 1024 * 1024,
      ),
      methodRoute(options.dispatch, options.maxBodyBytes ?? 1_000_000),
    ],
    rendererDir: options.rendererDir ?? null,
  });

  const server = http.createServer((req, res) => {
    handle({ req, res, url: requestUrl(req) }).catch((error: unknown) => {
      console.error('[quire] http handler failed', error);
      if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'Internal error.' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = host === '::1' ? '[::1]' : host;
  const base = `http://${hostForUrl}:${port}`;

  return {
    url: base,
    openUrl: `${base}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of openStreams) res.end();
        openStreams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
