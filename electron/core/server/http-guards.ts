// What every request passes before a route sees it: the Host and Origin checks and the token.
import { timingSafeEqual } from 'node:crypto';
import { OWNER, type Principal } from '../../../shared/contract/access';
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

/**
 * Another site's page may not call us; our own page (and non-browser clients) may. A team
 * server answers to whatever name people reach it by, so its own origin is the request's Host.
 */
export function originGuard(hosts: () => Set<string>, team?: { scheme: 'http' | 'https' }): Guard {
  return ({ req, res }) => {
    const origin = req.headers.origin;
    if (origin === undefined || [...hosts()].some((h) => origin === `http://${h}`)) return true;
    // Behind a reverse proxy (--insecure-http) the page is https while this server is not.
    const host = req.headers.host;
    if (team && host && (origin === `https://${host}` || origin === `${team.scheme}://${host}`))
      return true;
    sendError(res, 403, { code: 'forbidden', message: 'Cross-origin requests are not allowed.' });
    return false;
  };
}

/**
 * The bearer token (or `?token=` for clients that cannot set headers): the owner's, compared in
 * constant time, or a team member's (`users`). It names the request's principal.
 */
export function tokenGuard(token: string, users?: (token: string) => Principal | null): Guard {
  const expected = Buffer.from(token);
  const presented = ({ req, url }: RequestContext) => {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  };
  return (ctx) => {
    const given = presented(ctx);
    const bytes = Buffer.from(given);
    if (bytes.length === expected.length && timingSafeEqual(bytes, expected)) {
      ctx.principal = OWNER;
      return true;
    }
    const user = given ? (users?.(given) ?? null) : null;
    if (user) {
      ctx.principal = user;
      return true;
    }
    sendError(
      ctx.res,
      401,
      { code: 'unauthorized', message: 'A valid bearer token is required.' },
      { 'www-authenticate': 'Bearer' },
    );
    return false;
  };
}
