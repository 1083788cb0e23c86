import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import type { ErrorCode, QuireErrorShape } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { Transport } from '../../../shared/transport';

export type SettingsInfo = MethodResult<'settings.get'>;
export type SecretBackend = SettingsInfo['secretBackend'];
export type KeyProvider = keyof SettingsInfo['keys'];
export type ConversationDetail = MethodResult<'conversations.get'>;

/** Every contract method; an older core answers `unknown_method`, which callers handle. */
export function call<M extends MethodName>(
  transport: Transport,
  method: M,
  args: MethodArgs<M>,
): Promise<Result<MethodResult<M>>> {
  return transport.invoke(method, args);
}

/** An error result as a throwable, so react-query sees the code and the retry flag. */
export class CallError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(shape: QuireErrorShape) {
    super(shape.message);
    this.name = 'CallError';
    this.code = shape.code;
    this.retryable = shape.retryable ?? false;
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

/** Calls and throws on error: the shape react-query's queryFn and mutationFn expect. */
export async function request<M extends MethodName>(
  transport: Transport,
  method: M,
  args: MethodArgs<M>,
): Promise<MethodResult<M>> {
  return unwrap(await call(transport, method, args));
}

export function isUnknownMethod(error: unknown): boolean {
  return error instanceof CallError && error.code === 'unknown_method';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
