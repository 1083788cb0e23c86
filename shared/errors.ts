import { z } from 'zod';

/** Every error that crosses a process or network boundary carries one of these codes. */
export const ErrorCodeSchema = z.enum([
  // contract and transport
  'invalid_argument',
  'unknown_method',
  'unauthorized',
  'forbidden',
  'not_found',
  'too_many_streams',
  'internal',
  'cancelled',
  /** Another Quire process is writing the same data folder. */
  'data_in_use',
  // documents
  'unsupported_type',
  'hidden_file',
  'password_required',
  'wrong_password',
  'no_text_layer',
  'corrupt_file',
  'empty_file',
  'too_large',
  'binary_content',
  'file_missing',
  'disk_full',
  'worker_crashed',
  'table_damaged',
  // models and providers
  'model_unavailable',
  'no_provider',
  'auth',
  'rate_limit',
  'context_length',
  'unreachable',
  'timeout',
  'bad_response',
  'key_missing',
  // libraries in a bucket (S3-compatible object storage)
  /** The storage endpoint cannot be reached: connection refused, DNS failure, time-out. */
  'storage_unreachable',
  /** The storage refused the credentials: wrong, expired, missing, or not allowed there. */
  'storage_auth',
  /** The bucket named in the library's address does not exist. */
  'bucket_missing',
  /** The bucket or prefix holds something that is not a Quire library. */
  'bucket_foreign',
  /** Another Quire holds the library's writer lease. */
  'library_in_use',
  /** A conditional write lost: the object changed since it was read. */
  'storage_conflict',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const QuireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  retryable: z.boolean().optional(),
});
export type QuireErrorShape = z.infer<typeof QuireErrorSchema>;

/** An error with a code and a message fit for users; stack traces stay in logs. */
export class QuireError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QuireError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
  toShape(): QuireErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryable ? { retryable: true } : {}),
    };
  }
}

export function isQuireError(value: unknown): value is QuireError {
  return value instanceof QuireError;
}

/** Turns anything thrown into a user-safe error shape. Unknown errors hide their details. */
export function toErrorShape(error: unknown): QuireErrorShape {
  if (isQuireError(error)) return error.toShape();
  return {
    code: 'internal',
    message: 'Something went wrong inside Quire. The details are in the log.',
  };
}
