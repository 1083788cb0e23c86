import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EventCategorySchema, type EventCategory } from '../../../shared/events';
import { err, type Result } from '../../../shared/result';
import {
  encodeSseComment,
  encodeSseControl,
  encodeSseEvent,
  encodeSseRetry,
  SSE_RESYNC_EVENT,
  SSE_SNAPSHOT_EVENT,
} from '../../../shared/sse';
import { isValidStreamId } from '../../../shared/streams';
import type { Dispatch } from '../rpc/dispatch';
import type { StreamHub } from '../events/stream-hub';
import { serveStatic } from './static-files';

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

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

function statusFor(result: Result<unknown>): number {
  if (result.ok) return 200;
  switch (result.error.code) {
    case 'invalid_argument':
      return 400;
    case 'unknown_method':
    case 'not_found':
      return 404;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    default:
      return 200; // domain errors are results, not transport failures
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The local HTTP API: the contract as JSON over POST, events as real SSE. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error('The Quire HTTP API listens on loopback only.');
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const maxStreams = options.maxStreamsPerToken ?? 32;
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const openStreams = new Set<ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const ownOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));

  function authorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ')
      ? header.slice(7)
      : (url.searchParams.get('token') ?? '');
    const bytes = Buffer.from(presented);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // A DNS-rebinding page reaches us under a foreign Host name: refuse it.
    if (!allowedHosts().has(req.headers.host ?? '')) {
      sendJson(res, 421, err({ code: 'forbidden', message: 'Unexpected Host header.' }));
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !ownOrigins().has(origin)) {
      sendJson(
        res,
        403,
        err({ code: 'forbidden', message: 'Cross-origin requests are not allowed.' }),
      );
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      await serveStatic(options.rendererDir ?? null, url.pathname, res);
      return;
    }
    if (!authorized(req, url)) {
      sendJson(
        res,
        401,
        err({ code: 'unauthorized', message: 'A valid bearer token is required.' }),
        {
          'www-authenticate': 'Bearer',
        },
      );
      return;
    }
    const streamMatch = /^\/api\/streams\/([^/]+)(\/status)?$/.exec(url.pathname);
    if (streamMatch && req.method === 'GET') {
      const stream = decodeURIComponent(streamMatch[1] ?? '');
      if (!isValidStreamId(stream)) {
        sendJson(res, 404, err({ code: 'not_found', message: `Unknown stream "${stream}".` }));
        return;
      }
      if (streamMatch[2]) {
        sendJson(res, 200, { ok: true, value: options.hub.status(stream) });
        return;
      }
      openEventStream(req, res, url, stream);
      return;
    }
    if (url.pathname === '/api/files/upload' && req.method === 'POST') {
      await handleUpload(req, res);
      return;
    }
    const methodMatch = /^\/api\/([a-z]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (methodMatch && req.method === 'POST') {
      const body = await readBody(req, maxBody);
      if (body === null) {
        sendJson(
          res,
          413,
          err({ code: 'invalid_argument', message: 'The request body is too large.' }),
        );
        return;
      }
      let args: unknown = {};
      if (body.trim()) {
        try {
          args = JSON.parse(body);
        } catch {
          sendJson(
            res,
            400,
            err({ code: 'invalid_argument', message: 'The request body is not valid JSON.' }),
          );
          return;
        }
      }
      const result = await options.dispatch(`${methodMatch[1]}.${methodMatch[2]}`, args, {
        transport: 'http',
        connection: null,
      });
      sendJson(res, statusFor(result), result);
      return;
    }
    sendJson(res, 404, err({ code: 'not_found', message: 'No such endpoint.' }));
  }

  /** A browser cannot hand over file paths, so dropped files arrive as bytes and are saved first. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse) {
    if (!options.uploadsDir) {
      sendJson(res, 404, err({ code: 'not_found', message: 'Uploads are not enabled.' }));
      return;
    }
    const rawName = decodeURIComponent(String(req.headers['x-file-name'] ?? ''));
    const name = path.basename(rawName.replace(/\\/g, '/')).replace(/^\.+/, '').slice(0, 255);
    if (!name) {
      sendJson(
        res,
        400,
        err({ code: 'invalid_argument', message: 'The upload needs a file name.' }),
      );
      return;
    }
    const limit = options.maxUploadBytes ?? 200 * 1024 * 1024;
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      sendJson(
        res,
        413,
        err({ code: 'too_large', message: 'This file is larger than the upload limit.' }),
      );
      return;
    }
    const folder = path.join(options.uploadsDir, randomBytes(6).toString('hex'));
    await fs.mkdir(folder, { recursive: true });
    const target = path.join(folder, name);
    let size = 0;
    const file = await fs.open(target, 'w');
    try {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > limit) break;
        await file.write(chunk as Buffer);
      }
    } finally {
      await file.close();
    }
    if (size > limit) {
      await fs.rm(folder, { recursive: true, force: true });
      sendJson(
        res,
        413,
        err({ code: 'too_large', message: 'This file is larger than the upload limit.' }),
      );
      return;
    }
    const result = await options.dispatch(
      'library.add',
      { paths: [target] },
      { transport: 'http', connection: null },
    );
    sendJson(res, statusFor(result), result);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse, url: URL, stream: string) {
    if (openStreams.size >= maxStreams) {
      sendJson(
        res,
        429,
        err({ code: 'too_many_streams', message: 'Too many open event streams.' }),
        { 'retry-after': '5' },
      );
      return;
    }
    const lastEventId =
      req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
    const parsedSeq =
      typeof lastEventId === 'string' && /^\d+$/.test(lastEventId)
        ? Number(lastEventId)
        : undefined;
    const categories = (url.searchParams.get('categories') ?? '')
      .split(',')
      .filter((c): c is EventCategory => EventCategorySchema.safeParse(c).success);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    openStreams.add(res);
    const sub = options.hub.subscribe(stream, {
      afterSeq: parsedSeq,
      categories,
      listener: (event) => res.write(encodeSseEvent(event)),
    });
    let opening = encodeSseRetry(2000);
    const state = {
      stream,
      snapshot: sub.snapshot,
      lastSeq: sub.lastSeq,
      events: [],
      resync: sub.resync,
    };
    if (parsedSeq === undefined) opening += encodeSseControl(SSE_SNAPSHOT_EVENT, state);
    else if (sub.resync || parsedSeq > sub.lastSeq)
      opening += encodeSseControl(SSE_RESYNC_EVENT, { ...state, resync: true });
    else for (const event of sub.events) opening += encodeSseEvent(event);
    res.write(opening);
    const ping = setInterval(() => res.write(encodeSseComment('ping')), pingIntervalMs);
    const close = () => {
      clearInterval(ping);
      sub.unsubscribe();
      openStreams.delete(res);
    };
    req.on('close', close);
    res.on('error', close);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[quire] http handler failed', error);
      if (!res.headersSent)
        sendJson(res, 500, err({ code: 'internal', message: 'Internal error.' }));
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
