import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Principal } from '../../../shared/contract/access';
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
  /**
   * Loopback by default. Any other address is a team server and needs `tls`, or `insecureHttp`
   * said out loud (behind a reverse proxy that terminates TLS).
   */
  host?: string;
  /** PEM certificate and key: the server speaks HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  insecureHttp?: boolean;
  /** Team members' tokens → who they are (team-users.ts); the server's own token is the owner. */
  users?: (token: string) => Principal | null;
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
  /** The API's base as people reach it (https with TLS; a wildcard address becomes this host). */
  url: string;
  /** Plain http on 127.0.0.1 when the server listens there too, for commands beside it; else null. */
  localUrl: string | null;
  /** The URL a browser opens: the token travels in the fragment, which is never sent to servers. */
  openUrl: string;
  port: number;
  token: string;
  close: () => Promise<void>;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

/** Why a server may not listen on `host` as asked; null when it may. */
export function listenRefusal(
  host: string,
  options: Pick<HttpServerOptions, 'tls' | 'insecureHttp'>,
): string | null {
  if (isLoopbackHost(host) || options.tls || options.insecureHttp) return null;
  return (
    `Quire serves plain HTTP on loopback only, and ${host} is not: every token would cross the ` +
    'network readable. ' +
    'Give it --tls-cert FILE --tls-key FILE, or add --insecure-http if a reverse proxy in front ' +
    'of it speaks HTTPS.'
  );
}

/** A name others can reach a wildcard address by: this machine's first outward IPv4 address. */
function reachableName(host: string): string {
  if (!WILDCARD_HOSTS.has(host)) return host.includes(':') ? `[${host}]` : host;
  for (const addresses of Object.values(os.networkInterfaces()))
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  return os.hostname();
}

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
  const refused = listenRefusal(host, options);
  if (refused) throw new Error(refused);
  const team = !isLoopbackHost(host);
  const scheme = options.tls ? 'https' : 'http';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const openStreams = new Map<ServerResponse, string>();
  let port = 0;
  const hosts = ownHosts(() => port);

  const handle = createRequestHandler({
    // People reach a team server by names it cannot know; its tokens keep rebinding pages out.
    guards: team ? [originGuard(hosts, { scheme })] : [hostGuard(hosts), originGuard(hosts)],
    apiGuards: [tokenGuard(token, options.users)],
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

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle({ req, res, url: requestUrl(req) }).catch((error: unknown) => {
      console.error('[quire] http handler failed', error);
      if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'Internal error.' });
      else res.end();
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(onRequest);
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `${scheme}://${reachableName(host)}:${port}`;
  let localUrl: string | null = null;
  if (!options.tls && isLoopbackHost(host)) localUrl = base;
  else if (!options.tls && WILDCARD_HOSTS.has(host)) localUrl = `http://127.0.0.1:${port}`;

  return {
    url: base,
    localUrl,
    openUrl: `${base}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of openStreams.keys()) res.end();
        openStreams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
