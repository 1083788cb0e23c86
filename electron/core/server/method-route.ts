// POST /api/<domain>/<method>: the contract as JSON, with a bounded body.
import type { IncomingMessage } from 'node:http';
import type { Dispatch } from '../rpc/dispatch';
import { sendError, sendJson, statusFor, type Route } from './http-respond';

/** The body as text, or null once it grows past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The arguments of a call: an empty body is `{}`; bad JSON is an error message. */
export function parseArgs(body: string): { args: unknown } | { error: string } {
  if (!body.trim()) return { args: {} };
  try {
    return { args: JSON.parse(body) as unknown };
  } catch {
    return { error: 'The request body is not valid JSON.' };
  }
}

export function methodRoute(dispatch: Dispatch, maxBodyBytes: number): Route {
  return {
    method: 'POST',
    path: /^\/api\/([a-z]+)\/([A-Za-z]+)$/,
    async handle({ req, res, principal }, [domain, name]) {
      const body = await readBody(req, maxBodyBytes);
      if (body === null) {
        sendError(res, 413, {
          code: 'invalid_argument',
          message: 'The request body is too large.',
        });
        return;
      }
      const parsed = parseArgs(body);
      if ('error' in parsed) {
        sendError(res, 400, { code: 'invalid_argument', message: parsed.error });
        return;
      }
      if (domain === 'library' && name === 'add' && principal && principal.role !== 'owner') {
        // Its paths are on the server's disk: a team member would read any file Quire can.
        sendError(res, 403, {
          code: 'forbidden',
          message:
            'Team members add documents by uploading them; paths on the server are the owner’s.',
        });
        return;
      }
      // The client closing the request (its AbortSignal, a closed tab) cancels the handler.
      const cancel = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) cancel.abort();
      };
      res.on('close', onClose);
      const result = await dispatch(`${domain}.${name}`, parsed.args, {
        transport: 'http',
        connection: null,
        signal: cancel.signal,
        ...(principal ? { principal } : {}),
      });
      res.off('close', onClose);
      if (cancel.signal.aborted || res.destroyed) return;
      sendJson(res, statusFor(result), result);
    },
  };
}
