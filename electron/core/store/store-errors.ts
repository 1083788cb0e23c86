import { QuireError, isQuireError } from '../../../shared/errors';

const DISK_FULL = /ENOSPC|No space left on device|disk full|os error 28|EDQUOT|quota exceeded/i;
// A file the table's manifest names is gone or unreadable: the table is damaged, not the query.
const DAMAGED =
  /Not found: \S+\.(?:lance|idx)\b|LanceError\(Corrupt|corrupt (?:file|data)|Invalid (?:file|protobuf)|unexpected end of file|failed to fill whole buffer/i;

// A library in a bucket: the object store's own failures, as LanceDB reports them.
const STORAGE_UNREACHABLE =
  /error sending request|connection refused|connection reset|dns error|tcp connect error|operation timed out|broken pipe/i;
const STORAGE_AUTH =
  /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|AuthenticationFailed|AuthorizationFailure|403 Forbidden/;
const BUCKET_MISSING = /NoSuchBucket|ContainerNotFound/;

export const TABLE_DAMAGED_MESSAGE =
  'The search index is damaged. Rebuild it from your documents in the Library.';

/** Turns a LanceDB / filesystem failure into a QuireError with a user-safe message. */
export function toStoreError(error: unknown, action: string): QuireError {
  if (isQuireError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || DISK_FULL.test(message)) {
    return new QuireError(
      'disk_full',
      'The disk is full. Free some space, then try again; nothing already indexed was lost.',
      { retryable: true, cause: error },
    );
  }
  if (STORAGE_UNREACHABLE.test(message))
    return new QuireError(
      'storage_unreachable',
      `The library's storage could not be reached to ${action}. Check the network and the ` +
        'storage endpoint, then retry; nothing already saved was lost.',
      { retryable: true, cause: error },
    );
  if (STORAGE_AUTH.test(message))
    return new QuireError(
      'storage_auth',
      `The library's storage refused the credentials to ${action}. Check the library's keys ` +
        '(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AZURE_STORAGE_ACCOUNT_KEY, or the key in Settings).',
      { cause: error },
    );
  if (BUCKET_MISSING.test(message))
    return new QuireError('bucket_missing', "The library's bucket or container no longer exists.", {
      cause: error,
    });
  if (DAMAGED.test(message)) {
    return new QuireError('table_damaged', TABLE_DAMAGED_MESSAGE, { cause: error });
  }
  return new QuireError('internal', `The search index could not ${action}.`, { cause: error });
}

/** Runs a store operation and converts whatever it throws. */
export async function guard<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toStoreError(error, action);
  }
}
