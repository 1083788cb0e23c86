import { QuireError } from '../../shared/errors';

/** The QuireError `promise` is rejected with; throws if it resolves or fails otherwise. */
export async function quireErrorOf(promise: Promise<unknown>): Promise<QuireError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (error instanceof QuireError) return error;
  throw new Error(`expected a QuireError, got ${String(error)}`);
}
