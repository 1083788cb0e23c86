// Starts the sentence-by-sentence check of an answer against the sources it was given.
import { createAnswerChecker } from '../checking/answer-checker';
import { TermStats } from '../language/term-stats';
import type { ChatDeps } from './chat-types';
import type { MessageWriter } from './message-writer';

/**
 * From here on the writer checks each sentence as it ends and reports the verdicts on the
 * message's stream. `sources` are the numbered texts the model was given.
 */
export async function startAnswerChecks(
  deps: Pick<ChatDeps, 'termStats' | 'entailment'>,
  writer: MessageWriter,
  sources: ReadonlyArray<{ n: number; text: string }>,
): Promise<void> {
  let stats: TermStats | null = null;
  try {
    stats = (await deps.termStats?.()) ?? null;
  } catch {
    // Without the library's figures, the sources themselves say which words are rare.
  }
  writer.checkWith(
    createAnswerChecker({
      sources,
      stats: stats ?? TermStats.fromTexts(sources.map((s) => s.text)),
      entailment: deps.entailment ?? null,
      onUpdate: (checks) => writer.reportChecks(checks),
    }),
  );
}
