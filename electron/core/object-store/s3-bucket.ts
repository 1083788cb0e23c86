// A library's own objects in an S3 bucket, or in any S3-compatible service (MinIO, R2, GCS's
// interoperability endpoint).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { QuireError } from '../../../shared/errors';
import type { S3LibraryLocation } from './library-location';
import {
  CONNECT_TIMEOUT_MS,
  MAX_ATTEMPTS,
  NETWORK_CODES,
  ObjectBucket,
  REQUEST_TIMEOUT_MS,
  type ObjectBucketOptions,
  type WriteConditions,
} from './object-bucket';

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

export class S3ObjectBucket extends ObjectBucket {
  private readonly client: S3Client;

  constructor(
    override readonly location: S3LibraryLocation,
    options: ObjectBucketOptions = {},
  ) {
    super(location);
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

  async checkBucket(): Promise<void> {
    await this.call('reach the bucket', '', () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket })),
    );
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', key, () =>
      this.client.send(
        new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(key) }),
      ),
    );
  }

  /**
   * Asks for whole pages even with a `limit`: a short page that is truncated makes s3rver (the
   * tests' S3) mint a continuation token with DES, which Node's OpenSSL 3 refuses, and it
   * answers 500.
   */
  async list(prefix = '', options: { limit?: number } = {}): Promise<string[]> {
    const base = this.listBase;
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

  close(): void {
    this.client.destroy();
  }

  protected async getObject(key: string): Promise<{ bytes: Buffer; etag: string } | null> {
    const objectKey = this.keyOf(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }),
      );
      const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
      return { bytes, etag: this.requireEtag(response.ETag, key) };
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return null;
      throw this.classified(error, 'read', key);
    }
  }

  protected async putObject(
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

  protected toQuireError(error: unknown, action: string, what: string): QuireError {
    return storageError(error, this.location, action, what);
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
