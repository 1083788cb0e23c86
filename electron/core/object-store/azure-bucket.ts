// A library's own objects in an Azure Blob Storage container, with a shared key or a SAS token.
import {
  AnonymousCredential,
  ContainerClient,
  RestError,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { QuireError } from '../../../shared/errors';
import type { AzureLibraryLocation } from './library-location';
import {
  MAX_ATTEMPTS,
  NETWORK_CODES,
  ObjectBucket,
  REQUEST_TIMEOUT_MS,
  type ObjectBucketOptions,
  type WriteConditions,
} from './object-bucket';

const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationProtocolMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
  'InvalidAuthenticationInfo',
  'InsufficientAccountPermissions',
  'AccountIsDisabled',
]);
const CONFLICT_CODES = new Set(['ConditionNotMet', 'BlobAlreadyExists', 'TargetConditionNotMet']);
/** Whole pages: the service's largest, so a big listing takes few requests. */
const PAGE_SIZE = 5000;

export class AzureObjectBucket extends ObjectBucket {
  private readonly container: ContainerClient;

  constructor(
    override readonly location: AzureLibraryLocation,
    options: ObjectBucketOptions = {},
  ) {
    super(location);
    const pipeline: StoragePipelineOptions = {
      retryOptions: {
        maxTries: MAX_ATTEMPTS,
        tryTimeoutInMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        retryDelayInMs: 200,
        maxRetryDelayInMs: 1000,
      },
    };
    const address = `${location.endpoint}/${encodeURIComponent(location.bucket)}`;
    const { credentials } = location;
    this.container =
      'accountKey' in credentials
        ? new ContainerClient(
            address,
            new StorageSharedKeyCredential(location.account, credentials.accountKey),
            pipeline,
          )
        : new ContainerClient(
            `${address}?${credentials.sasToken}`,
            new AnonymousCredential(),
            pipeline,
          );
  }

  async checkBucket(): Promise<void> {
    await this.call('reach the container', '', () => this.container.getProperties());
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', key, () =>
      this.container.getBlobClient(this.keyOf(key)).deleteIfExists(),
    );
  }

  async list(prefix = '', options: { limit?: number } = {}): Promise<string[]> {
    const base = this.listBase;
    const keys: string[] = [];
    await this.call('list', prefix, async () => {
      const pages = this.container
        .listBlobsFlat({ prefix: base + prefix })
        .byPage({ maxPageSize: PAGE_SIZE });
      for await (const page of pages) {
        for (const item of page.segment.blobItems) keys.push(item.name.slice(base.length));
        if (options.limit !== undefined && keys.length >= options.limit) break;
      }
    });
    return options.limit === undefined ? keys : keys.slice(0, options.limit);
  }

  close(): void {
    // The SDK owns its HTTP agent and offers no way to close it; its idle keep-alive sockets
    // do not hold a command open (the CLI exits after an az:// search).
  }

  protected async getObject(key: string): Promise<{ bytes: Buffer; etag: string } | null> {
    const blob = this.container.getBlobClient(this.keyOf(key));
    try {
      const response = await blob.download(0);
      const bytes = await readAll(response.readableStreamBody);
      return { bytes, etag: this.requireEtag(response.etag, key) };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404 && isBlobMissing(error))
        return null;
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
      this.container.getBlockBlobClient(this.keyOf(key)).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: contentType },
        conditions: {
          ...(conditions.ifMatch !== undefined ? { ifMatch: conditions.ifMatch } : {}),
          ...(conditions.ifNoneMatch !== undefined ? { ifNoneMatch: conditions.ifNoneMatch } : {}),
        },
      }),
    );
    return this.requireEtag(response.etag, key);
  }

  protected toQuireError(error: unknown, action: string, what: string): QuireError {
    return azureStorageError(error, this.location, action, what);
  }
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part));
  return Buffer.concat(parts);
}

/** A 404 for the blob itself, not for its container (which is `bucket_missing`). */
function isBlobMissing(error: RestError): boolean {
  return error.code !== 'ContainerNotFound';
}

/** Classifies what the Azure SDK threw: by the service's error code and status, else by Node's code. */
export function azureStorageError(
  error: unknown,
  location: AzureLibraryLocation,
  action: string,
  what: string = location.uri,
): QuireError {
  const where = location.endpoint;
  const status = error instanceof RestError ? error.statusCode : undefined;
  const code = String((error as { code?: unknown })?.code ?? '');
  const name = (error as { name?: string })?.name ?? '';
  if (status === undefined) {
    const network = networkCodeOf(error);
    if (network !== null || name === 'AbortError' || code === 'REQUEST_SEND_ERROR')
      return new QuireError(
        'storage_unreachable',
        `Could not reach the storage at ${where} to ${action} ${what} (${network ?? (code || name)}). ` +
          'Check the endpoint address (AZURE_STORAGE_ENDPOINT), the network, and that the service is running.',
        { retryable: true, cause: error },
      );
    return new QuireError('internal', `Could not ${action} ${what}; the cause is in the log.`, {
      cause: error,
    });
  }
  if (code === 'ContainerNotFound')
    return new QuireError(
      'bucket_missing',
      `The container "${location.bucket}" does not exist in the storage account ` +
        `${location.account}. Create it first, or check the container name in ${location.uri}.`,
      { cause: error },
    );
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    const detail = code ? ` (${code})` : '';
    return new QuireError(
      'storage_auth',
      `The storage account ${location.account} refused Quire's credentials${detail} when asked ` +
        `to ${action} ${what}. Check AZURE_STORAGE_ACCOUNT_KEY (or the SAS token) and that it ` +
        `may read and write ${location.uri}.`,
      { cause: error },
    );
  }
  if (status === 412 || CONFLICT_CODES.has(code))
    return new QuireError(
      'storage_conflict',
      `${what} changed while Quire was writing it (another Quire wrote it first).`,
      { cause: error },
    );
  if (status >= 500 || code === 'ServerBusy' || code === 'OperationTimedOut')
    return new QuireError(
      'storage_unreachable',
      `The storage at ${where} failed to ${action} ${what} (HTTP ${status}${code ? ` ${code}` : ''}). ` +
        'It may be overloaded or down; try again shortly.',
      { retryable: true, cause: error },
    );
  return new QuireError(
    'bad_response',
    `The storage at ${where} refused to ${action} ${what} (HTTP ${status}${code ? ` ${code}` : ''}).`,
    { cause: error },
  );
}

/** A Node network code on the error or on what caused it, or null. */
function networkCodeOf(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const message = (current as { message?: unknown }).message;
    const named = typeof message === 'string' ? /\b(E[A-Z]{4,})\b/.exec(message)?.[1] : undefined;
    if (named && NETWORK_CODES.has(named)) return named;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
