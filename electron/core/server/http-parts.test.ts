import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostGuard, originGuard, ownHosts, tokenGuard } from './http-guards';
import type { RequestContext } from './http-respond';
import { createRequestHandler } from './http-server';
import { parseArgs } from './method-route';
import { categoriesOf, resumeSeq } from './stream-route';
import { uploadName } from './upload-route';

/** A response that records what was written, as a route would leave it. */
function recordingResponse() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, string> = {}) {
      sent.status = status;
      sent.headers = headers;
      return res;
    },
    end(body = '') {
      sent.body = String(body);
      return res;
    },
  };
  return { res: res as unknown as ServerResponse, sent };
}

function context(headers: Record<string, string>, path = '/api/app/info', method = 'POST') {
  const { res, sent } = recordingResponse();
  const req = { headers, method } as unknown as IncomingMessage;
  const ctx: RequestContext = { req, res, url: new URL(path, 'http://127.0.0.1:7000') };
  return { ctx, sent };
}

const hosts = ownHosts(() => 7000);

describe('the HTTP guards', () => {
  it('let our own host through and refuse another (DNS rebinding) with 421', () => {
    expect(hostGuard(hosts)(context({ host: 'localhost:7000' }).ctx)).toBe(true);
    const foreign = context({ host: 'evil.example:7000' });
    expect(hostGuard(hosts)(foreign.ctx)).toBe(false);
    expect(foreign.sent.status).toBe(421);
  });

  it('let requests without an Origin or from our own page through, and refuse other sites', () => {
    expect(originGuard(hosts)(context({}).ctx)).toBe(true);
    expect(originGuard(hosts)(context({ origin: 'http://[::1]:7000' }).ctx)).toBe(true);
    const other = context({ origin: 'http://localhost:7001' });
    expect(originGuard(hosts)(other.ctx)).toBe(false);
    expect(other.sent.status).toBe(403);
    expect(JSON.parse(other.sent.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('take the token from the header or the query, and refuse a wrong one with 401', () => {
    const guard = tokenGuard('s3cret');
    expect(guard(context({ authorization: 'Bearer s3cret' }).ctx)).toBe(true);
    expect(guard(context({}, '/api/streams/library?token=s3cret').ctx)).toBe(true);
    const wrong = context({ authorization: 'Bearer s3cres' });
    expect(guard(wrong.ctx)).toBe(false);
    expect(wrong.sent).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    expect(guard(context({ authorization: 'Bearer s3' }).ctx)).toBe(false);
  });
});

describe('the HTTP routes’ parsing', () => {
  it('reads call arguments: empty is {}, bad JSON is an error', () => {
    expect(parseArgs('')).toEqual({ args: {} });
    expect(parseArgs('{"a":1}')).toEqual({ args: { a: 1 } });
    expect(parseArgs('{nope')).toEqual({ error: 'The request body is not valid JSON.' });
  });

  it('keeps only a file’s own name from an upload header', () => {
    expect(uploadName(encodeURIComponent('..\\..\\secret/.bashrc'))).toBe('bashrc');
    expect(uploadName(encodeURIComponent('notes é.md'))).toBe('notes é.md');
    expect(uploadName(undefined)).toBe('');
  });

  it('reads the resume position and the category filter of an event stream', () => {
    expect(resumeSeq(context({ 'last-event-id': '41' }).ctx)).toBe(41);
    expect(resumeSeq(context({}, '/api/streams/library?lastEventId=7').ctx)).toBe(7);
    expect(resumeSeq(context({ 'last-event-id': '-1' }).ctx)).toBeUndefined();
    expect(categoriesOf(new URL('http://h/?categories=chat,bogus,system'))).toEqual([
      'chat',
      'system',
    ]);
  });
});

describe('the request handler', () => {
  it('runs the guards first, then the first route whose method and path match', async () => {
    const seen: string[] = [];
    const handle = createRequestHandler({
      guards: [() => true],
      apiGuards: [({ req }) => req.headers.authorization === 'ok'],
      routes: [
        {
          method: 'GET',
          path: /^\/api\/x\/(\w+)$/,
          handle: (_ctx, [id]) => void seen.push(`get ${id}`),
        },
        {
          method: 'POST',
          path: /^\/api\/x\/(\w+)$/,
          handle: (_ctx, [id]) => void seen.push(`post ${id}`),
        },
      ],
      rendererDir: null,
    });
    await handle(context({ authorization: 'ok' }, '/api/x/a1', 'POST').ctx);
    await handle(context({ authorization: 'no' }, '/api/x/a2', 'POST').ctx);
    const missing = context({ authorization: 'ok' }, '/api/y', 'POST');
    await handle(missing.ctx);
    expect(seen).toEqual(['post a1']);
    expect(missing.sent.status).toBe(404);
    const put = context({}, '/index.html', 'PUT');
    await handle(put.ctx);
    expect(put.sent.status).toBe(405);
  });
});
