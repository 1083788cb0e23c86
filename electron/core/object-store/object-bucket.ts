// The library's own small objects in its bucket or container (marker, lease, store settings,
// journal segments, documents' copies); LanceDB reaches its tables by itself. Keys are relative
// to the library's prefix. One subclass per service: S3 (and S3-compatible ones) and Azure.
import { isQuireError, QuireError } from '../../../shared/errors';
import type { ObjectLibraryLocation } from './library-location';

/** Conditional writes: real S3, MinIO, R2 and Azure honour them; some stores (s3rver) ignore them. */
export type WriteConditions = {
  /** Write only if the object still has this ETag. */
  ifMatch?: string;
  /** '*': write only if no object exists under the key. */
  ifNoneMatch?: '*';
};

export type ObjectBucketOptions = {
  /** How long to wait for a TCP (and TLS) connection. */
  connectTimeoutMs?: number;
  /** How long one request may take until its response starts; a hung server fails here. */
  requestTimeoutMs?: number;
};

export const CONNECT_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** One retry: an unreachable endpoint fails in seconds, and the caller decides what next. */
export const MAX_ATTEMPTS = 2;
/** Node's codes for a network that failed under a request. */
export const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

export abstract class ObjectBucket {
  constructor(readonly location: ObjectLibraryLocation) {}

  /** `s3://bucket/prefix/key` or `az://container/prefix/key`, for messages. */
  uriOf(key = ''): string {
    return key === '' ? this.location.uri : `${this.location.uri}/${key}`;
  }

  /** Throws `bucket_missing`, `storage_auth` or `storage_unreachable` unless the bucket answers. */
  abstract checkBucket(): Promise<void>;

  /** Deleting a missing object succeeds, as in S3 itself. */
  abstract delete(key: string): Promise<void>;

  /**
   * The keys under `prefix` (relative to the library, in the service's order), every page of
   * them; `limit` stops early, for "is anything here" checks.
   */
  abstract list(prefix?: string, options?: { limit?: number }): Promise<string[]>;

  /** Closes the client's sockets. */
  abstract close(): void;

  protected abstract getObject(key: string): Promise<{ bytes: Buffer; etag: string } | null>;

  /** Writes the object and returns its new ETag; a failed condition is `storage_conflict`. */
  protected abstract putObject(
    key: string,
    body: Buffer,
    contentType: string,
    conditions: WriteConditions,
  ): Promise<string>;

  async getJson<T = unknown>(key: string): Promise<{ value: T; etag: string } | null> {
    const found = await this.getObject(key);
    if (!found) return null;
    try {
      return { value: JSON.parse(found.bytes.toString('utf8')) as T, etag: found.etag };
    } catch (error) {
      throw new QuireError(
        'bucket_foreign',
        `${this.uriOf(key)} is not JSON, so it was not written by Quire. Check that the ` +
          'library address points at a Quire library.',
        { cause: error },
      );
    }
  }

  /** Writes the value as JSON and returns the new ETag; a failed condition is `storage_conflict`. */
  async putJson(key: string, value: unknown, conditions: WriteConditions = {}): Promise<string> {
    const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    return this.putObject(key, body, 'application/json', conditions);
  }

  async getBytes(key: string): Promise<Buffer | null> {
    return (await this.getObject(key))?.bytes ?? null;
  }

  async putBytes(key: string, bytes: Buffer, conditions: WriteConditions = {}): Promise<string> {
    return this.putObject(key, bytes, 'application/octet-stream', conditions);
  }

  /** The key in the service: the library's prefix, then `key`. */
  protected keyOf(key: string): string {
    if (key === '' || key.startsWith('/'))
      throw new QuireError('invalid_argument', `"${key}" is not an object key in the library.`);
    return this.location.prefix === '' ? key : `${this.location.prefix}/${key}`;
  }

  /** The library's prefix as the service's listings start their keys with it. */
  protected get listBase(): string {
    return this.location.prefix === '' ? '' : `${this.location.prefix}/`;
  }

  /** What the service's SDK threw, as a coded error a user can act on. */
  protected abstract toQuireError(error: unknown, action: string, what: string): QuireError;

  /** Runs one request; what it throws becomes a coded error. */
  protected async call<T>(action: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.classified(error, action, key);
    }
  }

  protected classified(error: unknown, action: string, key: string): QuireError {
    return isQuireError(error) ? error : this.toQuireError(error, action, this.uriOf(key));
  }

  protected requireEtag(etag: string | undefined, key: string): string {
    if (etag) return etag;
    throw new QuireError(
      'bad_response',
      `The storage gave no ETag for ${this.uriOf(key)}; it may not be fully compatible.`,
    );
  }
}
