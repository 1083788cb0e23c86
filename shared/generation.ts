// What a language model takes and gives back, as both the chat pipeline and the providers see it.
import { z } from 'zod';
import type { ProviderKind } from './settings';

/** One turn of a prompt. */
export type ChatTurn = { role: 'system' | 'user' | 'assistant'; content: string };

export const UsageSchema = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const NO_USAGE: Usage = { promptTokens: 0, completionTokens: 0 };

/** How a provider's stream ended ('error' and 'interrupted' are the pipeline's, not a stream's). */
export type GenerateResult = {
  finishReason: 'stop' | 'length' | 'cancelled';
  usage: Usage;
};

/** A provider that really answers: every kind but 'none'. */
export type ModelProviderKind = Exclude<ProviderKind, 'none'>;

/**
 * What a new turn (system, sources, question) may add to the prompt, by default: a CPU model
 * spends most of its first-token time evaluating it; a server is given more.
 */
export function newTurnTokenBudget(providerKind: string): number {
  return providerKind === 'embedded' ? 1536 : 6000;
}
