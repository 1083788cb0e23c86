// The generate stage: the provider's tokens streamed into one message.
import { QuireError } from '../../../shared/errors';
import type { ChatDeps, ChatProvider } from './chat-types';
import { DeltaCoalescer } from './delta-coalescer';
import type { MessageWriter } from './message-writer';
import type { PromptTurn } from './prompt';

// Our token counts leave out the chat template's framing; this keeps the provider from trimming.
export const CONTEXT_MARGIN_TOKENS = 32;

/** A regenerated answer samples instead of decoding greedily, so it is not the same text again. */
const REGENERATE_TEMPERATURE = 0.8;

export type { GenerateResult as GenerateOutcome } from '../../../shared/generation';
import type { GenerateResult as GenerateOutcome } from '../../../shared/generation';

/** Streams the answer into the message: deltas coalesced per frame, text checkpointed. */
export async function generate(
  deps: ChatDeps,
  writer: MessageWriter,
  provider: ChatProvider,
  prompt: { messages: PromptTurn[]; answerTokens: number; sessionKey?: string },
  { signal, regenerate }: { signal: AbortSignal; regenerate: boolean },
  step = { name: 'write', label: 'Writing the answer' },
): Promise<GenerateOutcome> {
  writer.step(step.name, 'running', step.label, 'action');
  const coalescer = new DeltaCoalescer((delta) => writer.emit('message.delta', { text: delta }));
  let lastCheckpoint = Date.now();
  const generator = provider.stream({
    messages: prompt.messages,
    maxTokens: prompt.answerTokens,
    signal,
    sessionKey: prompt.sessionKey ?? writer.message.conversationId,
    ...(regenerate
      ? { temperature: REGENERATE_TEMPERATURE, seed: Math.floor(Math.random() * 2 ** 31) }
      : {}),
  });
  let outcome: GenerateOutcome | null = null;
  try {
    for (;;) {
      const next = await generator.next();
      if (next.done) {
        outcome = next.value;
        break;
      }
      if (!next.value) continue;
      writer.append(next.value);
      coalescer.push(next.value);
      if (Date.now() - lastCheckpoint >= (deps.checkpointMs ?? 1000)) {
        lastCheckpoint = Date.now();
        writer.save({ text: writer.text });
      }
    }
  } finally {
    coalescer.flush();
  }
  if (!outcome) throw new QuireError('internal', 'The answer ended without a result.');
  writer.step(step.name, 'done', step.label, 'action');
  return outcome;
}
