// The answer to one question, as named stages: plan → retrieve → budget and prompt → generate → finish.
import type { Message } from '../../../shared/contract/chat';
import type { Source } from '../../../shared/events';
import { newTurnTokenBudget } from '../../../shared/generation';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { ChatDeps, ChatProvider, Plan, Retrieval } from './chat-types';
import { CONTEXT_MARGIN_TOKENS, generate } from './generate-answer';
import { searchQueryFor } from './follow-up-query';
import type { MessageWriter } from './message-writer';
import { PINNED_HISTORY_SHARE, pinnedPassages, reportPinned } from './pinned-documents';
import { buildPrompt, snippetOf, type BuiltPrompt, type Exchange, type Passage } from './prompt';
import { answerWholeDocument } from './whole-document';
import { startAnswerChecks } from './answer-checks';
import { answerReserve, checkRoomForQuestion, leftOutLabel } from './context-fit';

export const SEARCH_MODE_NOTE =
  'No language model is set up, so here are the passages from your documents that match best. ' +
  'To get written answers with citations, choose a model in Settings: a local GGUF file, Ollama, or a provider you trust.';

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
    // A question the library does not cover is not handed to the model to write from loose
    // matches; pinned documents are sources the user chose, so they are always written from.
    const pinned = deps.store.getConversation(question.conversationId)?.pinnedDocumentIds ?? [];
    if (
      retrieval.coverage &&
      !retrieval.coverage.covered &&
      !options.answerAnyway &&
      !pinned.length
    )
      return answerWithPassages(writer, retrieval, null, 'closest');
    const provider = plan.provider;
    const usage = await promptAndGenerate(
      deps,
      writer,
      provider,
      question,
      plan,
      retrieval,
      options,
    );
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

/**
 * The prompt, then the answer. A server that still refuses the prompt as too long has told the
 * provider its true count and context; the prompt is fitted to them and sent once more, before
 * any text was written, without asking the user.
 */
async function promptAndGenerate(
  deps: ChatDeps,
  writer: MessageWriter,
  provider: ChatProvider,
  question: Message,
  plan: Plan,
  retrieval: Retrieval,
  options: { signal: AbortSignal; regenerate: boolean },
) {
  const prompt = await budgetAndPrompt(deps, writer, provider, question, plan, retrieval);
  await startAnswerChecks(deps, writer, checkSources(prompt.sources, retrieval.passages));
  try {
    return await generate(deps, writer, provider, prompt, options);
  } catch (error) {
    const tooLong = error instanceof QuireError && error.code === 'context_length';
    if (!tooLong || writer.text !== '' || options.signal.aborted) throw error;
    const label = "Shortening the prompt to fit the model's context";
    writer.step('refit', 'running', label, 'check');
    const refit = await budgetAndPrompt(deps, writer, provider, question, plan, retrieval);
    writer.step('refit', 'done', label, 'check');
    // The provider learned nothing it could fit to: the same request would fail the same way.
    if (refit.userTurn === prompt.userTurn && refit.historyKept === prompt.historyKept) throw error;
    await startAnswerChecks(deps, writer, checkSources(refit.sources, retrieval.passages));
    return await generate(deps, writer, provider, refit, options);
  }
}

// Past the room by this share as well, when the server's count of the whole prompt is refit to.
const REFIT_MARGIN = 0.04;

async function budgetAndPrompt(
  deps: ChatDeps,
  writer: MessageWriter,
  provider: ChatProvider,
  question: Message,
  plan: Plan,
  retrieval: Retrieval,
): Promise<BuiltPrompt & { answerTokens: number }> {
  const contextSize = await provider.contextSize();
  const answerTokens = answerReserve(contextSize, deps.maxAnswerTokens);
  const room = contextSize - answerTokens - CONTEXT_MARGIN_TOKENS;
  await checkRoomForQuestion(provider, question.text, {
    contextSize,
    room,
    maxAnswerTokens: deps.maxAnswerTokens,
  });
  // A first question may fill the room with sources; on a follow-up, buildPrompt lets the
  // replayed history take what is left once the new turn has half this budget.
  const pinned = await pinnedPassages(deps, question, provider, room);
  // Pinned text was asked for explicitly: it may use the whole context, not the first-turn cap.
  const budget = pinned.passages.length
    ? room
    : Math.min(room, deps.maxPromptTokens ?? newTurnTokenBudget(provider.kind));
  const searched = retrieval.passages.filter((p) => !pinned.documentIds.has(p.documentId));
  const build = (cut: number) =>
    buildPrompt({
      question: question.text,
      passages: [...pinned.passages, ...searched],
      history: exchangesIn(plan.earlier, (m) => deps.store.sentPrompt(m)),
      budgetTokens: budget - cut,
      contextTokens: room - cut,
      maxHistoryTokens: pinned.passages.length
        ? Math.floor(room * PINNED_HISTORY_SHARE)
        : (deps.maxHistoryTokens ?? 4 * budget),
      countTokens: (t) => provider.countTokens(t),
    });
  let prompt = await build(0);
  // The parts' counts leave out the chat template's framing. Where the server counts the whole
  // prompt, its count decides: anything over the room comes off the sources (twice at most, as
  // cutting a passage can cost a token or two more than it saves).
  let cut = 0;
  for (let attempt = 0; attempt < 2 && provider.countPromptTokens; attempt++) {
    const exact = await provider.countPromptTokens(prompt.messages);
    if (exact === null || exact <= room) break;
    cut += exact - room + Math.ceil(room * REFIT_MARGIN);
    prompt = await build(cut);
  }
  // Before generation: the provider's cache holds this turn from now on, answered or not.
  deps.store.putSentPrompt(question, prompt.userTurn);
  reportPinned(writer, pinned, prompt.sources);
  reportLeftOut(writer, prompt, searched.length, pinned.documentIds, {
    byContext: budget === room,
    contextSize,
    budget,
  });
  writer.emit('message.sources', { sources: prompt.sources, mode: 'answer' });
  writer.save({ sources: prompt.sources, mode: 'answer' });
  return { ...prompt, answerTokens };
}

/** A step that says how many of the search's passages did not fit, and why. */
function reportLeftOut(
  writer: MessageWriter,
  prompt: BuiltPrompt,
  searched: number,
  pinnedIds: ReadonlySet<string>,
  limit: { byContext: boolean; contextSize: number; budget: number },
) {
  const given = prompt.sources.filter((s) => !pinnedIds.has(s.documentId)).length;
  const leftOut = searched - given;
  if (leftOut <= 0) return;
  const label = leftOutLabel(
    leftOut,
    searched,
    limit.byContext ? { contextSize: limit.contextSize } : { promptTokens: limit.budget },
  );
  // Running first, so that a trail that shows only running steps (the CLI) shows it too.
  writer.step('left-out', 'running', label, 'check');
  writer.step('left-out', 'done', label, 'check');
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
