// GET /api/streams/<stream>: events as SSE with Last-Event-ID replay and pings;
// GET /api/streams/<stream>/status: the polling fallback.
import type { ServerResponse } from 'node:http';
import { EventCategorySchema, type EventCategory } from '../../../shared/events';
import {
  encodeSseComment,
  encodeSseControl,
  encodeSseEvent,
  encodeSseRetry,
  SSE_RESYNC_EVENT,
  SSE_SNAPSHOT_EVENT,
} from '../../../shared/sse';
import { isValidStreamId } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import { sendError, sendJson, type RequestContext, type Route } from './http-respond';

export type StreamRouteOptions = {
  hub: StreamHub;
  pingIntervalMs: number;
  /** Per token: one person's many tabs must not lock the rest of a team out. */
  maxStreams: number;
  /** Every open event stream and whose it is, so closing the server can end them. */
  open: Map<ServerResponse, string>;
};

/** The seq to resume after, from Last-Event-ID (or `?lastEventId=` for EventSource polyfills). */
export function resumeSeq({ req, url }: RequestContext): number | undefined {
  const id = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
  return typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : undefined;
}

/** `?categories=chat,system`; unknown names are dropped. */
export function categoriesOf(url: URL): EventCategory[] {
  return (url.searchParams.get('categories') ?? '')
    .split(',')
    .filter((c): c is EventCategory => EventCategorySchema.safeParse(c).success);
}

function openEventStream(ctx: RequestContext, stream: string, options: StreamRouteOptions) {
  const { req, res, url } = ctx;
  const who = ctx.principal?.name ?? '';
  const theirs = [...options.open.values()].filter((name) => name === who).length;
  if (theirs >= options.maxStreams) {
    sendError(
      res,
      429,
      { code: 'too_many_streams', message: 'Too many open event streams.' },
      { 'retry-after': '5' },
    );
    return;
  }
  const afterSeq = resumeSeq(ctx);
  if (!visible(ctx, stream, options)) return;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  options.open.set(res, who);
  const sub = options.hub.subscribe(stream, {
    afterSeq,
    categories: categoriesOf(url),
    listener: (event) => res.write(encodeSseEvent(event)),
    ...(ctx.principal ? { principal: ctx.principal } : {}),
  });
  const { unsubscribe: _unsubscribe, ...state } = sub;
  let opening = encodeSseRetry(2000);
  if (afterSeq === undefined)
    opening += encodeSseControl(SSE_SNAPSHOT_EVENT, { ...state, events: [] });
  else if (sub.resync || afterSeq > sub.lastSeq)
    opening += encodeSseControl(SSE_RESYNC_EVENT, { ...state, events: [], resync: true });
  else for (const event of sub.events) opening += encodeSseEvent(event);
  res.write(opening);
  const ping = setInterval(() => res.write(encodeSseComment('ping')), options.pingIntervalMs);
  const close = () => {
    clearInterval(ping);
    sub.unsubscribe();
    options.open.delete(res);
  };
  req.on('close', close);
  res.on('error', close);
}

/** A stream the caller may not follow (someone else's answer) is answered as unknown. */
function visible(ctx: RequestContext, stream: string, options: StreamRouteOptions): boolean {
  try {
    options.hub.viewOf(stream, ctx.principal);
    return true;
  } catch {
    sendError(ctx.res, 404, { code: 'not_found', message: `Unknown stream "${stream}".` });
    return false;
  }
}

export function streamRoute(options: StreamRouteOptions): Route {
  return {
    method: 'GET',
    path: /^\/api\/streams\/([^/]+)(\/status)?$/,
    handle(ctx, [encoded, status]) {
      const stream = decodeURIComponent(encoded ?? '');
      if (!isValidStreamId(stream)) {
        sendError(ctx.res, 404, { code: 'not_found', message: `Unknown stream "${stream}".` });
        return;
      }
      if (!status) openEventStream(ctx, stream, options);
      else if (visible(ctx, stream, options))
        sendJson(ctx.res, 200, { ok: true, value: options.hub.status(stream) });
    },
  };
}
