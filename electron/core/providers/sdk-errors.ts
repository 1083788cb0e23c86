// What the OpenAI and Anthropic SDKs throw, in Quire's words: one mapping for both.
import { QuireError } from '../../../shared/errors';
import {
  connectionError,
  droppedError,
  malformedError,
  timeoutError,
  type ErrorContext,
} from './provider-errors';
import type { ProviderTestResult } from './types';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Both SDKs export error classes of these names; each provider passes its own. */
export type SdkErrorClasses<ApiError extends Error> = {
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIUserAbortError: ErrorClass;
  APIError: abstract new (...args: never[]) => ApiError;
};

/**
 * Maps an SDK error: time-outs, refused connections, drops and unreadable replies the same way
 * for every provider; an HTTP error through the provider's own `fromApiError`.
 */
export function mapSdkError<ApiError extends Error>(
  error: unknown,
  options: {
    ctx: ErrorContext;
    started: boolean;
    connectMs: number;
    classes: SdkErrorClasses<ApiError>;
    fromApiError: (error: ApiError) => QuireError;
  },
): QuireError {
  const { ctx, classes } = options;
  if (error instanceof QuireError) return error;
  if (error instanceof classes.APIConnectionTimeoutError)
    return timeoutError(ctx, 'connect', options.connectMs);
  if (error instanceof classes.APIConnectionError)
    return connectionError((error as Error & { cause?: unknown }).cause ?? error, ctx);
  if (error instanceof classes.APIUserAbortError) return droppedError(ctx, error);
  if (error instanceof classes.APIError) return options.fromApiError(error);
  if (error instanceof SyntaxError) return malformedError(ctx, error);
  return options.started ? droppedError(ctx, error) : connectionError(error, ctx);
}

/** "Test connection": a missing key, or the probe's answer, or its error in plain words; never throws. */
export async function testConnection(
  apiKey: () => Promise<string>,
  probe: (apiKey: string) => Promise<ProviderTestResult>,
  mapError: (error: unknown, apiKey: string) => QuireError,
): Promise<ProviderTestResult> {
  let key: string;
  try {
    key = await apiKey();
  } catch (error) {
    const e = error as QuireError;
    return { ok: false, code: e.code ?? 'key_missing', message: e.message };
  }
  try {
    return await probe(key);
  } catch (error) {
    const mapped = mapError(error, key);
    return { ok: false, code: mapped.code, message: mapped.message };
  }
}
