// What a small context means for a question: whether any answer fits at all (and the smallest
// context that would do), and the words that say passages were left out to fit.
import { QuireError } from '../../../shared/errors';
import type { ChatProvider } from './chat-types';
import { CONTEXT_MARGIN_TOKENS } from './generate-answer';
import { buildPrompt } from './prompt';

/** Room the best passage needs beyond the instructions and the question: its header and a few lines. */
export const MIN_SOURCE_TOKENS = 64;

/** The answer's share of a context of `size`, as the pipeline reserves it. */
export function answerReserve(size: number, maxAnswerTokens = 512): number {
  return Math.min(maxAnswerTokens, Math.floor(size / 4));
}

/** The smallest round context whose room holds `needed` prompt tokens. */
export function smallestContext(needed: number, maxAnswerTokens = 512): number {
  let size = 256;
  while (size - answerReserve(size, maxAnswerTokens) - CONTEXT_MARGIN_TOKENS < needed)
    size += size >= 4096 ? 1024 : 256;
  return size;
}

/**
 * Throws a clear error when the context cannot hold the instructions, the question and part
 * of one passage: nothing Quire could send would be answered, so it says what size would do.
 */
export async function checkRoomForQuestion(
  provider: ChatProvider,
  question: string,
  sizes: { contextSize: number; room: number; maxAnswerTokens?: number },
): Promise<void> {
  const bare = await buildPrompt({
    question,
    passages: [],
    history: [],
    budgetTokens: sizes.room,
    countTokens: (t) => provider.countTokens(t),
  });
  // The instructions (as buildPrompt chose them for this room) and the question, nothing else:
  // buildPrompt's own count is of those; the server's is of the same two turns.
  const messages = [bare.messages[0]!, { role: 'user' as const, content: `Question: ${question}` }];
  const floor = (await provider.countPromptTokens?.(messages)) ?? bare.promptTokens;
  if (floor + MIN_SOURCE_TOKENS <= sizes.room) return;
  const n = (v: number) => v.toLocaleString('en-US');
  const fits = smallestContext(floor + MIN_SOURCE_TOKENS, sizes.maxAnswerTokens);
  const fix =
    provider.kind === 'embedded'
      ? `Set the model's context size in Settings to ${n(fits)} or more.`
      : `Start the server with a context of at least ${n(fits)} tokens (llama-server --ctx-size ${fits}, Ollama num_ctx), and set the same size in Settings if you set one there.`;
  throw new QuireError(
    'context_length',
    `The model's context holds ${n(sizes.contextSize)} tokens, too few to answer from your documents: ` +
      `Quire's instructions and this question alone take ${n(floor)}, and a passage and the answer need room too. ${fix}`,
  );
}

/** The step that tells the user passages were left out, and why. */
export function leftOutLabel(
  leftOut: number,
  total: number,
  limit: { contextSize: number } | { promptTokens: number },
): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const what = `${n(leftOut)} of ${n(total)} passage${total === 1 ? '' : 's'} ${leftOut === 1 ? 'was' : 'were'} left out`;
  return 'contextSize' in limit
    ? `${what} to fit the model's ${n(limit.contextSize)}-token context`
    : `${what} to keep the prompt within ${n(limit.promptTokens)} tokens`;
}
