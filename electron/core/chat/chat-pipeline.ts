// The answer to one question, as named stages: plan → retrieve → budget and prompt → generate → finish.
import type { Message } from '../../../shared/contract/chat';
import type { Source } from '../../../shared/events';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { ChatDeps, ChatProvider, Retrieval } from './chat-types';
import { CONTEXT_MARGIN_TOKENS, generate } from './generate-answer';
import { searchQueryFor } from './follow-up-query';
import type { MessageWriter } from './message-writer';
import { PINNED_HISTORY_SHARE, pinnedPassages, reportPinned } from './pinned-documents';
import { buildPrompt, snippetOf, type BuiltPrompt, type Exchange, type Passage } from './prompt';
import { answerWholeDocument } from './whole-document';
import { startAnswerChecks } from './answer-checks';

export const SEARCH_MODE_NOTE =
  'No language model is set up, so here are the passages from your documents that match best. ' +
  'To get written answers with citations, choose a model in Settings: a local GGUF file, Ollama, or a provider you trust.';

/** What the plan stage decides: who answers, what is searched, and what came before. */
export type Plan = {
  provider: ChatProvider | null;
  /** Why the configured provider could not be used, when it could not. */
  providerProblem: string | null;
  query: string;
  earlier: Message[];
};

export const NOT_COVERED_NOTE =
  "Your documents don't say. These are the closest passages Quire found, and none of them seems to answer the question.";

export async function runAnswer(
  deps: ChatDeps,
  writer: MessageWriter,
  question: Message,
  options: { signal: AbortSignal; regenerate: boolean; answerAnyway?: boolean },
): Promise<void> {
  const { signal } = options;
  try {
    const plan = await planAnswer(deps, writer, question);
    if (question.documentId !== undefined)
      return await answerWholeDocument(deps, writer, question, plan, options);
    const retrieval = await retrievePassages(deps, writer, plan.query);
    throwIfStopped(signal);
    if (retrieval.coverage) writer.save({ coverage: retrieval.coverage });
    if (!plan.provider) return answerWithPassages(writer, retrieval, plan.providerProblem);
    // A question the library does not cover is not handed to the model to write from loose matches.
    if (retrieval.coverage && !retrieval.coverage.covered && !options.answerAnyway)
      return answerWithPassages(writer, retrieval, null, 'closest');
    const prompt = await budgetAndPrompt(deps, writer, plan.provider, question, plan, retrieval);
    await startAnswerChecks(deps, writer, checkSources(prompt.sources, retrieval.passages));
    const usage = await generate(deps, writer, plan.provider, prompt, options);
    await writer.finish(signal.aborted ? 'cancelled' : usage.finishReason, usage.usage);
  } catch (error) {
    // The part written before a stop or a failure is checked too.
    await writer.settleChecks();
    writer.fail(error, signal);
  }
}

/** The numbered texts the model was given, for the answer check. */
function checkSources(sources: readonly Source[], passages: readonly Passage[]) {
  const byChunk = new Map(passages.map((p) => [p.chunkId, p.text]));
  return sources.map((s) => ({ n: s.n, text: byChunk.get(s.chunkId) ?? s.snippet }));
}

async function planAnswer(deps: ChatDeps, writer: MessageWriter, question: Message): Promise<Plan> {
  let provider: ChatProvider | null = null;
  let providerProblem: string | null = null;
  try {
    provider = await deps.provider();
  } catch (error) {
    // The model is configured but cannot be used: say so, and still show what was found.
    providerProblem = toErrorShape(error).message;
  }
  writer.emit('message.start', {
    messageId: writer.message.id,
    conversationId: writer.message.conversationId,
    provider: provider?.kind ?? null,
    model: provider?.model ?? null,
  });
  writer.save({ provider: provider?.kind ?? null, model: provider?.model ?? null });

  writer.step('understand', 'running', 'Understanding your question', 'thinking');
  const earlier = deps.store
    .listMessages(question.conversationId)
    .filter(
      (m) =>
        m.createdAt < question.createdAt ||
        (m.createdAt === question.createdAt && m.id < question.id),
    );
  const query = searchQueryFor(
    question.text,
    earlier.filter((m) => m.role === 'user').map((m) => m.text),
  );
  writer.step('understand', 'done', 'Understanding your question', 'thinking');
  return { provider, providerProblem, query, earlier };
}

async function retrievePassages(
  deps: ChatDeps,
  writer: MessageWriter,
  query: string,
): Promise<Retrieval> {
  const scope = deps.store.getConversation(writer.message.conversationId)?.scope;
  const total = await deps.passageCount(scope);
  const searchLabel = `Searching ${total.toLocaleString('en-US')} passages`;
  writer.step('search', 'running', searchLabel, 'action');
  let rerankStarted = false;
  const onRerank = () => {
    rerankStarted = true;
    writer.step('search', 'done', searchLabel, 'action');
    writer.step('rerank', 'running', 'Reranking the best matches', 'check');
  };
  const retrieval = await deps.retrieve(query, onRerank, scope);
  if (!rerankStarted) writer.step('search', 'done', searchLabel, 'action');
  else writer.step('rerank', 'done', 'Reranking the best matches', 'check');
  return retrieval;
}

/**
 * The passages themselves, with a note that says truthfully why: no model (search mode), or
 * a library that does not cover the question (its closest matches, nothing written from them).
 */
function answerWithPassages(
  writer: MessageWriter,
  retrieval: Retrieval,
  providerProblem: string | null,
  mode: 'search' | 'closest' = 'search',
): void {
  const sources = retrieval.passages.map((p, i) => ({
    ...withoutText(p),
    n: i + 1,
    snippet: snippetOf(p.text),
  }));
  if (mode === 'closest')
    writer.step('coverage', 'done', "Your documents don't seem to cover this", 'check');
  writer.emit('message.sources', { sources, mode });
  const text =
    mode === 'closest'
      ? NOT_COVERED_NOTE
      : providerProblem === null
        ? SEARCH_MODE_NOTE
        : `The language model could not be used: ${providerProblem} Here are the passages from your documents that match best.`;
  writer.text = text;
  writer.emit('message.delta', { text });
  writer.save({ sources, mode, text });
  writer.end('stop');
}

async function budgetAndPrompt(
  deps: ChatDeps,
  writer: MessageWriter,
  provider: ChatProvider,
  question: Message,
  plan: Plan,
  retrieval: Retrieval,
): Promise<BuiltPrompt & { answerTokens: number }> {
  const contextSize = await provider.contextSize();
  const answerTokens = Math.min(deps.maxAnswerTokens ?? 512, Math.floor(contextSize / 4));
  const room = contextSize - answerTokens - CONTEXT_MARGIN_TOKENS;
  // A first question may fill the room with sources; on a follow-up, buildPrompt lets the
  // replayed history take what is left once the new turn has half this budget.
  const pinned = await pinnedPassages(deps, question, provider, room);
  // Pinned text was asked for explicitly: it may use the whole context, not the first-turn cap.
  const budget = pinned.passages.length
    ? room
    : Math.min(room, deps.maxPromptTokens ?? (provider.kind === 'embedded' ? 1536 : 6000));
  const prompt = await buildPrompt({
    question: question.text,
    passages: [
      ...pinned.passages,
      ...retrieval.passages.filter((p) => !pinned.documentIds.has(p.documentId)),
    ],
    history: exchangesIn(plan.earlier, (m) => deps.store.sentPrompt(m)),
    budgetTokens: budget,
    contextTokens: room,
    maxHistoryTokens: pinned.passages.length
      ? Math.floor(room * PINNED_HISTORY_SHARE)
      : (deps.maxHistoryTokens ?? 4 * budget),
    countTokens: (t) => provider.countTokens(t),
  });
  // Before generation: the provider's cache holds this turn from now on, answered or not.
  deps.store.putSentPrompt(question, prompt.userTurn);
  reportPinned(writer, pinned, prompt.sources);
  writer.emit('message.sources', { sources: prompt.sources, mode: 'answer' });
  writer.save({ sources: prompt.sources, mode: 'answer' });
  return { ...prompt, answerTokens };
}

/**
 * The conversation so far as exchanges: each question as it was sent to the model and the
 * latest answer it got (a regenerated answer replaces the earlier one). Questions without a
 * written answer (failed, search mode, empty) are left out, so turns still alternate.
 */
export function exchangesIn(
  messages: readonly Message[],
  sentPrompt: (question: Message) => string | undefined,
): Exchange[] {
  const exchanges: Exchange[] = [];
  let question: Message | null = null;
  let answer: Message | null = null;
  const close = () => {
    if (question && answer)
      exchanges.push({ sent: sentPrompt(question) ?? question.text, answer: answer.text });
    answer = null;
  };
  for (const message of messages) {
    if (message.role === 'user') {
      close();
      question = message;
    } else if (
      message.mode !== 'search' &&
      message.mode !== 'closest' &&
      message.text !== '' &&
      (message.status === 'complete' ||
        message.status === 'cancelled' ||
        message.status === 'interrupted')
    ) {
      answer = message;
    }
  }
  close();
  return exchanges;
}

function throwIfStopped(signal: AbortSignal) {
  if (signal.aborted) throw new QuireError('cancelled', 'Stopped.');
}

function withoutText(p: Passage) {
  const { text: _text, snippet: _snippet, ...rest } = p;
  return rest;
}
