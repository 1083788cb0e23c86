// What every request passes before a route sees it: the Host and Origin checks and the token.
import { timingSafeEqual } from 'node:crypto';
import { sendError, type Guard, type RequestContext } from './http-respond';

/** The names this server answers to, once its port is known. */
export function ownHosts(port: () => number): () => Set<string> {
  return () => new Set([`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`]);
}

/** A DNS-rebinding page reaches us under a foreign Host name: refuse it. */
export function hostGuard(hosts: () => Set<string>): Guard {
  return ({ req, res }) => {
    if (hosts().has(req.headers.host ?? '')) return true;
    sendError(res, 421, { code: 'forbidden', message: 'Unexpected Host header.' });
    return false;
  };
}

/** Another site's page may not call us; our own page (and non-browser clients) may. */
export function originGuard(hosts: () => Set<string>): Guard {
  return ({ req, res }) => {
    const origin = req.headers.origin;
    if (origin === undefined || [...hosts()].some((h) => origin === `http://${h}`)) return true;
    sendError(res, 403, { code: 'forbidden', message: 'Cross-origin requests are not allowed.' });
    return false;
  };
}

/** The bearer token (or `?token=` for clients that cannot set headers), compared in constant time. */
export function tokenGuard(token: string): Guard {
  const expected = Buffer.from(token);
  const presented = ({ req, url }: RequestContext) => {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  };
  return (ctx) => {
    const bytes = Buffer.from(presented(ctx));
    if (bytes.length === expected.length && timingSafeEqual(bytes, expected)) return true;
    sendError(
      ctx.res,
      401,
      { code: 'unauthorized', message: 'A valid bearer token is required.' },
      { 'www-authenticate': 'Bearer' },
    );
    return false;
  };
}
