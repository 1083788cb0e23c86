// POST /api/files/upload: a browser cannot hand over file paths, so dropped files arrive as
// bytes and are saved before they are added to the library.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { OWNER, refusal } from '../../../shared/contract/access';
import type { Dispatch } from '../rpc/dispatch';
import { sendError, sendJson, statusFor, type Route } from './http-respond';

const TOO_LARGE = {
  code: 'too_large',
  message: 'This file is larger than the upload limit.',
} as const;

/** The file's own name, without folders or leading dots; empty when nothing usable is left. */
export function uploadName(header: string | string[] | undefined): string {
  const raw = decodeURIComponent(String(header ?? ''));
  return path.basename(raw.replace(/\\/g, '/')).replace(/^\.+/, '').slice(0, 255);
}

/** Writes the body to `target`; false (and nothing kept) when it is larger than `limit`. */
async function saveBody(req: IncomingMessage, target: string, limit: number): Promise<boolean> {
  let size = 0;
  const file = await fs.open(target, 'w');
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) return false;
      await file.write(chunk as Buffer);
    }
    return true;
  } finally {
    await file.close();
  }
}

export function uploadRoute(dispatch: Dispatch, uploadsDir: string | null, limit: number): Route {
  return {
    method: 'POST',
    path: /^\/api\/files\/upload$/,
    async handle({ req, res, principal }) {
      if (!uploadsDir) {
        sendError(res, 404, { code: 'not_found', message: 'Uploads are not enabled.' });
        return;
      }
      // Before a byte is saved: a viewer must not be able to fill the server's disk.
      const refused = refusal('library.add', principal ?? OWNER);
      if (refused) {
        sendError(res, 403, { code: 'forbidden', message: refused });
        return;
      }
      const name = uploadName(req.headers['x-file-name']);
      if (!name) {
        sendError(res, 400, { code: 'invalid_argument', message: 'The upload needs a file name.' });
        return;
      }
      if (Number(req.headers['content-length'] ?? 0) > limit) {
        sendError(res, 413, TOO_LARGE);
        return;
      }
      const folder = path.join(uploadsDir, randomBytes(6).toString('hex'));
      await fs.mkdir(folder, { recursive: true });
      const target = path.join(folder, name);
      if (!(await saveBody(req, target, limit))) {
        await fs.rm(folder, { recursive: true, force: true });
        sendError(res, 413, TOO_LARGE);
        return;
      }
      const result = await dispatch(
        'library.add',
        { paths: [target] },
        { transport: 'http', connection: null, ...(principal ? { principal } : {}) },
      );
      sendJson(res, statusFor(result), result);
    },
  };
}
