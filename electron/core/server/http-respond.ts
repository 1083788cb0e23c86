// The small pieces every route and guard shares: one request's context and JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../../shared/contract/access';
import { err, type Result } from '../../../shared/result';

export type RequestContext = {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Who presented the token; set by the token guard. */
  principal?: Principal;
};

/** One endpoint: a method, a path pattern, and what it does with the pattern's groups. */
export type Route = {
  method: 'GET' | 'POST';
  path: RegExp;
  handle: (ctx: RequestContext, groups: string[]) => Promise<void> | void;
};

/** Lets a request through (true) or answers it and stops it (false). */
export type Guard = (ctx: RequestContext) => boolean;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

/** A refusal in the contract's own error shape. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: Parameters<typeof err>[0],
  extra: Record<string, string> = {},
): void {
  sendJson(res, status, err(error), extra);
}

export function statusFor(result: Result<unknown>): number {
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
