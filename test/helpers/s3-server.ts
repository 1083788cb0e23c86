// A real S3 API on loopback for tests: s3rver in this process, its objects in a temp folder.
//
// What s3rver 3.7 does and does not do, as observed (see electron/core/object-store):
// - it knows one access key, S3RVER (secret S3RVER): another key gets 403 InvalidAccessKeyId,
//   but a wrong secret passes, because it does not check SigV4 signatures;
// - it ignores If-Match and If-None-Match on PUT (it honours If-None-Match on GET only);
// - a delimiter listing returns no common prefix for "folders" that hold only deeper folders,
//   so LanceDB's tableNames() lists nothing there.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import {
  parseLibraryLocation,
  type S3LibraryLocation,
} from '../../electron/core/object-store/library-location';
import { withEnv } from './process-env';
import { makeTempDir } from './temp-dir';

export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

/** One request as the server saw it: path-style, so the bucket is the first path segment. */
export type S3Request = { method: string; bucket: string; key: string; query: string };

export type S3Server = {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** The AWS_* variables that point Quire (and LanceDB) at this server. */
  env: Record<string, string>;
  /** Every request since start, in arrival order; clear it with `requests.length = 0`. */
  requests: S3Request[];
  /**
   * While false, every connection is cut as it asks (the client sees ECONNRESET), as when the
   * network drops; the objects stay.
   */
  setReachable(reachable: boolean): void;
  /**
   * Reads `s3://bucket/prefix` as Quire does with the AWS_* variables `env` (by default this
   * server's), and throws unless it is an S3 location.
   */
  locate(uri: string, env?: NodeJS.ProcessEnv): S3LibraryLocation;
  /** Puts an object through the S3 API itself (unsigned: s3rver lets those through). */
  putObject(bucket: string, key: string, body: Buffer | string): Promise<void>;
  close(): Promise<void>;
};

type S3rverInstance = {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer: http.Server;
};
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const require = createRequire(import.meta.url);

export async function startS3Server(options: { buckets?: string[] } = {}): Promise<S3Server> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const { dir, remove } = await makeTempDir('quire-s3rver-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await remove();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const requests: S3Request[] = [];
  let reachable = true;
  const handlers = server.httpServer.listeners('request') as http.RequestListener[];
  server.httpServer.removeAllListeners('request');
  server.httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!reachable) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', endpoint);
    const [bucket = '', ...key] = url.pathname.slice(1).split('/');
    requests.push({
      method: req.method ?? '',
      bucket: decodeURIComponent(bucket),
      key: decodeURIComponent(key.join('/')),
      query: url.search.slice(1),
    });
    for (const handler of handlers) handler(req, res);
  });
  const env = {
    AWS_ACCESS_KEY_ID: S3RVER_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: S3RVER_SECRET_KEY,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
  };
  return {
    endpoint,
    env,
    requests,
    setReachable(value) {
      reachable = value;
    },
    locate(uri, locateEnv = env) {
      const location = parseLibraryLocation(uri, locateEnv);
      if (location.kind !== 's3') throw new Error('expected an s3 location');
      return location;
    },
    async putObject(bucket, key, body) {
      const path = key.split('/').map(encodeURIComponent).join('/');
      const response = await fetch(`${endpoint}/${encodeURIComponent(bucket)}/${path}`, {
        method: 'PUT',
        body,
      });
      if (!response.ok) throw new Error(`s3rver refused PUT ${bucket}/${key}: ${response.status}`);
    },
    async close() {
      // Clients keep connections alive; close() alone would wait for them to time out.
      server.httpServer.closeAllConnections();
      await server.close();
      await remove();
    },
  };
}

/**
 * Sets `vars` in process.env, first removing every other AWS_* variable (but the SDK's switch
 * that silences its Node version warning) when `clearOthers`; returns what puts process.env
 * back as it was.
 */
export function withS3Env(
  vars: Record<string, string>,
  options: { clearOthers?: boolean } = {},
): () => void {
  return withEnv(
    vars,
    options.clearOthers
      ? { clearPrefix: 'AWS_', keep: ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] }
      : {},
  );
}
