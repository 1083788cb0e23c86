// Closing the core: each part in turn, every part even when one before it fails.

export type ClosingStep = readonly [name: string, close: () => unknown];

/**
 * Runs the steps in order. A step that fails is logged and the next still runs, so a stuck
 * download never keeps the store open or the data folder locked; the first failure is rethrown.
 */
export async function closeInOrder(
  steps: readonly ClosingStep[],
  log: (message: string) => void,
): Promise<void> {
  let first: unknown = null;
  for (const [name, close] of steps) {
    try {
      await close();
    } catch (error) {
      log(`closing ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      first ??= error;
    }
  }
  if (first !== null) throw first;
}
