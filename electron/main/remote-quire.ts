// Connecting the desktop app to a Quire server: reading a person's link and checking that the
// address answers as Quire with that token. No Electron here, so tests run it against a real
// `quire serve` under plain Node.
import type {
  ServerConnectErrorCode,
  ServerConnectResult,
  ServerIdentity,
} from '../../shared/bridge';
import { isLoopbackHost } from '../../shared/loopback';

export type RemoteFailure = { ok: false; error: { code: ServerConnectErrorCode; message: string } };
export type ServerLink = { url: string; host: string; token: string };

const fail = (code: ServerConnectErrorCode, message: string): RemoteFailure => ({
  ok: false,
  error: { code, message },
});

/** Tokens are base64url (people) or what `--token` was given: printable, no spaces. */
const TOKEN = /^[\x21-\x7e]{8,512}$/;

/**
 * Reads what a person pastes: their link (`https://host:port/#token=…`, as `quire users add`
 * prints it), or an address plus the token typed apart (which wins over one in the link).
 * The address becomes its origin: the interface calls `/api` at its own origin, so Quire is
 * served at the root of its address. Plain http is refused unless the host is this machine.
 */
export function parseServerLink(
  text: string,
  separateToken?: string,
): { ok: true; value: ServerLink } | RemoteFailure {
  const raw = text.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return fail('invalid_link', 'That is not an address. Paste the link you were given.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail('invalid_link', 'A Quire server’s address starts with https://.');
  if (url.username || url.password)
    return fail('invalid_link', 'The address must not hold a user name or password.');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return fail(
      'insecure_http',
      `${url.host} is reached over plain http, which would send your token across the network in clear. Use its https:// address.`,
    );
  const fromLink = /(?:^#|&)token=([^&]+)/.exec(url.hash)?.[1];
  let token = separateToken?.trim() || '';
  if (!token && fromLink) {
    try {
      token = decodeURIComponent(fromLink);
    } catch {
      token = '';
    }
  }
  if (!token)
    return fail(
      'invalid_link',
      'The link holds no token. Paste the whole link (it ends in #token=…), or type the token.',
    );
  if (!TOKEN.test(token)) return fail('invalid_link', 'That token cannot be right: check it.');
  return { ok: true, value: { url: url.origin, host: url.host, token } };
}

/** The page a connected window loads: the server's interface, which takes the token away. */
export function remotePageUrl(link: Pick<ServerLink, 'url' | 'token'>): string {
  return `${link.url}/#token=${encodeURIComponent(link.token)}`;
}

const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Asks the server who the token belongs to (`POST /api/app/info`), and says in one code why
 * not: no answer, a certificate this computer does not trust, a refused token, or an answer
 * that is not Quire's. Never sends the token over plain http to another machine.
 */
export async function checkRemoteQuire(
  link: Pick<ServerLink, 'url' | 'token'>,
  options: { fetch?: FetchLike; timeoutMs?: number } = {},
): Promise<ServerConnectResult> {
  let url: URL;
  try {
    url = new URL(link.url);
  } catch {
    return fail('invalid_link', 'That is not an address.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return fail('insecure_http', `${url.host} is not reached over https.`);
  const timeoutMs = options.timeoutMs ?? 8_000;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${url.origin}/api/app/info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${link.token}`, 'content-type': 'application/json' },
      body: '{}',
      // A redirect could carry the token elsewhere; a Quire server answers where it is asked.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = causeCode(error);
    if (code && CERTIFICATE_ERRORS.has(code))
      return fail(
        'untrusted_certificate',
        `${url.host}’s certificate is not trusted by this computer (${code}): it is self-signed, expired, or made for another name. Ask whoever runs the server for a certificate from a known authority.`,
      );
    if ((error as Error | undefined)?.name === 'TimeoutError')
      return fail('unreachable', `${url.host} did not answer within ${timeoutMs / 1000} s.`);
    return fail(
      'unreachable',
      `Quire could not reach ${url.host}${code ? ` (${code})` : ''}. Check the address, and that the server is running.`,
    );
  }
  if (response.status === 401)
    return fail(
      'unauthorized',
      `${url.host} refused this token: it is wrong, or the person was removed. Ask for a new link.`,
    );
  const body = await response.json().catch(() => null);
  const info = quireInfo(body);
  if (!response.ok || !info)
    return fail(
      'not_quire',
      `${url.host} answered, but not as a Quire server (HTTP ${response.status}). Check the address and port.`,
    );
  return {
    ok: true,
    value: {
      url: url.origin,
      host: url.host,
      version: info.version,
      name: info.principal?.name ?? 'owner',
      role: info.principal?.role ?? 'owner',
    } satisfies ServerIdentity,
  };
}

type Info = { version: string; principal?: { name: string; role: string } };

function quireInfo(body: unknown): Info | null {
  if (!body || typeof body !== 'object') return null;
  const { ok, value } = body as { ok?: unknown; value?: unknown };
  if (ok !== true || !value || typeof value !== 'object') return null;
  const info = value as { name?: unknown; version?: unknown; principal?: unknown };
  if (info.name !== 'Quire' || typeof info.version !== 'string') return null;
  const p = info.principal as { name?: unknown; role?: unknown } | undefined;
  const principal =
    p && typeof p.name === 'string' && typeof p.role === 'string'
      ? { name: p.name, role: p.role }
      : undefined;
  return { version: info.version, ...(principal ? { principal } : {}) };
}
