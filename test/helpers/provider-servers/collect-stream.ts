import { QuireError } from '../../../shared/errors';
import type { GenerateResult } from '../../../electron/core/providers/types';

export type Collected = {
  deltas: string[];
  text: string;
  result?: GenerateResult;
  error?: QuireError;
};

/**
 * Drains a provider stream by hand (for-await would drop the return value), recording the
 * deltas seen before any error. `onDelta` lets a test abort or stop mid-stream.
 */
export async function collectStream(
  stream: AsyncGenerator<string, GenerateResult>,
  onDelta?: (delta: string, index: number) => 'stop' | void,
): Promise<Collected> {
  const deltas: string[] = [];
  try {
    for (;;) {
      const step = await stream.next();
      if (step.done) return { deltas, text: deltas.join(''), result: step.value };
      deltas.push(step.value);
      if (onDelta?.(step.value, deltas.length - 1) === 'stop') {
        await stream.return({
          finishReason: 'cancelled',
          usage: { promptTokens: 0, completionTokens: 0 },
        });
        return { deltas, text: deltas.join('') };
      }
    }
  } catch (error) {
    if (!(error instanceof QuireError)) throw error;
    return { deltas, text: deltas.join(''), error };
  }
}
