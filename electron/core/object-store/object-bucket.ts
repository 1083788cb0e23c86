// The library's own small objects in its bucket (marker, lease, store settings, journal
// segments); LanceDB reaches its tables by itself. Keys are relative to the library's prefix.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { isQuireError, QuireError } from '../../../shared/errors';
import type { S3LibraryLocation } from './library-location';

/** Conditional writes: real S3, MinIO and R2 honour them; some stores (s3rver) ignore them. */
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

const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** One retry: an unreachable endpoint fails in seconds, and the caller decides what next. */
const MAX_ATTEMPTS = 2;
const NETWORK_CODES = new Set([
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
const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidSecurity',
  'AllAccessDisabled',
]);

export class ObjectBucket {
  private readonly client: S3Client;

  constructor(
    readonly location: S3LibraryLocation,
    options: ObjectBucketOptions = {},
  ) {
    const { endpoint, credentials } = location;
    // The SDK warns on Node 20 about its own future releases; the lock pins the one Quire ships,
    // and a command's output is no place for it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: location.region,
      ...(endpoint !== null ? { endpoint, forcePathStyle: true } : {}),
      ...(credentials !== null ? { credentials } : {}),
      maxAttempts: MAX_ATTEMPTS,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
        requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        // Without it the SDK only logs a warning and keeps waiting on a hung server.
        throwOnRequestTimeout: true,
      },
      // The SDK's default CRC32 checksums on every upload are refused by several S3-compatible
      // stores (older MinIO, GCS's interoperability endpoint); MD5 ETags still guard the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      followRegionRedirects: endpoint === null,
    });
  }

  /** `s3://bucket/prefix/key`, for messages. */
  uriOf(key = ''): string {
    return key === '' ? this.location.uri : `${this.location.uri}/${key}`;
  }

  /** Throws `bucket_missing`, `storage_auth` or `storage_unreachable` unless the bucket answers. */
  async checkBucket(): Promise<void> {
    await this.call('reach the bucket', '', () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket })),
    );
  }

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

  /** Deleting a missing object succeeds, as in S3 itself. */
  async delete(key: string): Promise<void> {
    await this.call('delete', key, () =>
      this.client.send(
        new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(key) }),
      ),
    );
  }

  /**
   * The keys under `prefix` (relative to the library, in S3's order), every page of them;
   * `limit` stops early, for "is anything here" checks. It asks for whole pages all the same:
   * a short page that is truncated makes s3rver (the tests' S3) mint a continuation token with
   * DES, which Node's OpenSSL 3 refuses, and it answers 500.
   */
  async list(prefix = '', options: { limit?: number } = {}): Promise<string[]> {
    const base = this.location.prefix === '' ? '' : `${this.location.prefix}/`;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: base + prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const item of page.Contents ?? [])
        if (item.Key !== undefined) keys.push(item.Key.slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined && (options.limit === undefined || keys.length < options.limit));
    return options.limit === undefined ? keys : keys.slice(0, options.limit);
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    if (key === '' || key.startsWith('/'))
      throw new QuireError('invalid_argument', `"${key}" is not an object key in the library.`);
    return this.location.prefix === '' ? key : `${this.location.prefix}/${key}`;
  }

  private async getObject(key: string): Promise<{ bytes: Buffer; etag: string } | null> {
    const objectKey = this.keyOf(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }),
      );
      const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
      return { bytes, etag: this.requireEtag(response.ETag, key) };
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return null;
      throw isQuireError(error)
        ? error
        : storageError(error, this.location, 'read', this.uriOf(key));
    }
  }

  private async putObject(
    key: string,
    body: Buffer,
    contentType: string,
    conditions: WriteConditions,
  ): Promise<string> {
    const response = await this.call('write', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.keyOf(key),
          Body: body,
          ContentType: contentType,
          IfMatch: conditions.ifMatch,
          IfNoneMatch: conditions.ifNoneMatch,
        }),
      ),
    );
    return this.requireEtag(response.ETag, key);
  }

  private requireEtag(etag: string | undefined, key: string): string {
    if (etag) return etag;
    throw new QuireError(
      'bad_response',
      `The storage gave no ETag for ${this.uriOf(key)}; it may not be fully S3-compatible.`,
    );
  }

  /** Runs one request and turns what it throws into a coded error a user can act on. */
  private async call<T>(action: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw isQuireError(error)
        ? error
        : storageError(error, this.location, action, this.uriOf(key));
    }
  }
}

/** Classifies what the SDK threw: HTTP answers by S3 error code and status, the rest by Node's code. */
export function storageError(
  error: unknown,
  location: S3LibraryLocation,
  action: string,
  what: string = location.uri,
): QuireError {
  const where = location.endpoint ?? `AWS S3 (${location.region})`;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = (error as { name?: string })?.name ?? '';
  const code = (error as { code?: string })?.code ?? '';
  if (name === 'CredentialsProviderError')
    return new QuireError(
      'storage_auth',
      `No credentials for ${where} were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
        '(and AWS_SESSION_TOKEN for temporary ones), or an AWS profile.',
      { cause: error },
    );
  if (status === undefined) {
    if (NETWORK_CODES.has(code) || name === 'TimeoutError' || name === 'AbortError')
      return new QuireError(
        'storage_unreachable',
        `Could not reach the storage at ${where} to ${action} ${what} (${code || name}). ` +
          'Check the endpoint address (AWS_ENDPOINT_URL_S3), the network, and that the service is running.',
        { retryable: true, cause: error },
      );
    return new QuireError('internal', `Could not ${action} ${what}; the cause is in the log.`, {
      cause: error,
    });
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && status === 404))
    return new QuireError(
      'bucket_missing',
      `The bucket "${location.bucket}" does not exist at ${where}. Create it first, or check ` +
        `the bucket name in ${location.uri} and the endpoint (AWS_ENDPOINT_URL_S3).`,
      { cause: error },
    );
  if (AUTH_CODES.has(name) || status === 401 || status === 403) {
    const detail = name && name !== 'Unknown' && name !== 'Forbidden' ? ` (${name})` : '';
    return new QuireError(
      'storage_auth',
      `The storage at ${where} refused Quire's credentials${detail} when asked to ${action} ` +
        `${what}. Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), ` +
        `and that they may read and write ${location.uri}.`,
      { cause: error },
    );
  }
  if (status === 412 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict')
    return new QuireError(
      'storage_conflict',
      `${what} changed while Quire was writing it (another Quire wrote it first).`,
      { cause: error },
    );
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed')
    return new QuireError(
      'invalid_argument',
      `The bucket "${location.bucket}" is in another region than ${location.region}: set ` +
        'AWS_REGION to the region the bucket was created in.',
      { cause: error },
    );
  if (status >= 500 || name === 'SlowDown')
    return new QuireError(
      'storage_unreachable',
      `The storage at ${where} failed to ${action} ${what} (HTTP ${status}${name ? ` ${name}` : ''}). ` +
        'It may be overloaded or down; try again shortly.',
      { retryable: true, cause: error },
    );
  return new QuireError(
    'bad_response',
    `The storage at ${where} refused to ${action} ${what} (HTTP ${status}${name ? ` ${name}` : ''}).`,
    { cause: error },
  );
}
