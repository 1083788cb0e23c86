import type { Message, SendResult } from '../../../shared/contract/chat';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { EventData, FinishReason } from '../../../shared/events';
import { newId } from '../../../shared/ids';
import { chatStream, CONVERSATIONS_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../events/stream-hub';
import type { ConversationStore } from './conversation-store';
import { DeltaCoalescer } from './delta-coalescer';
import { searchQueryFor } from './follow-up-query';
import {
  buildPrompt,
  extractCitations,
  snippetOf,
  type Exchange,
  type Passage,
  type PromptTurn,
} from './prompt';

/** The provider surface the pipeline needs (see electron/core/providers). */
export type ChatProvider = {
  readonly kind: string;
  readonly model: string;
  contextSize(): Promise<number>;
  countTokens(text: string): Promise<number>;
  stream(request: {
    messages: PromptTurn[];
    maxTokens?: number;
    signal: AbortSignal;
    sessionKey?: string;
  }): AsyncGenerator<
    string,
    {
      finishReason: 'stop' | 'length' | 'cancelled';
      usage: { promptTokens: number; completionTokens: number };
    }
  >;
};

export type Retrieval = { passages: Passage[]; searched: number; reranked: boolean };

export type ChatDeps = {
  hub: StreamHub;
  store: ConversationStore;
  /** Null when no model is configured or reachable: answers fall back to search mode. */
  provider: () => Promise<ChatProvider | null>;
  passageCount: () => Promise<number>;
  retrieve: (query: string, onStep: (step: 'rerank') => void) => Promise<Retrieval>;
  rerankerEnabled: () => boolean;
  /**
   * What a new turn (system, sources, question) may add to the prompt. CPU models spend most of
   * the first-token time evaluating it; replayed history is cached by the embedded provider.
   */
  maxPromptTokens?: number;
  /** History replayed on follow-ups, at most; defaults to four turns' worth. */
  maxHistoryTokens?: number;
  maxAnswerTokens?: number;
  checkpointMs?: number;
  now?: () => number;
};

type Running = { controller: AbortController };

export const SEARCH_MODE_NOTE =
  'No language model is set up, so here are the passages from your documents that match best. ' +
  'To get written answers with citations, choose a model in Settings: a local GGUF file, Ollama, or a provider you trust.';

/** The RAG pipeline: steps → sources → streamed answer → persisted message, all as events. */
export class ChatService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: ChatDeps) {}

  async send(input: { conversationId?: string; text: string }): Promise<SendResult> {
    const now = Date.now();
    let conversation = input.conversationId
      ? this.deps.store.getConversation(input.conversationId)
      : undefined;
    if (input.conversationId && !conversation)
      throw new QuireError('not_found', 'That conversation no longer exists.');
    if (!conversation) {
      conversation = this.deps.store.putConversation({
        id: newId('c'),
        title: titleFrom(input.text),
        createdAt: now,
        updatedAt: now,
      });
    }
    const user = this.deps.store.putMessage(
      blankMessage(conversation.id, 'user', input.text, 'complete'),
    );
    return this.answer(conversation.id, user);
  }

  async regenerate(messageId: string): Promise<SendResult> {
    const target = this.deps.store.getMessage(messageId);
    if (!target || target.role !== 'assistant')
      throw new QuireError('not_found', 'There is no answer with that id to regenerate.');
    const messages = this.deps.store.listMessages(target.conversationId);
    const index = messages.findIndex((m) => m.id === messageId);
    const question = messages
      .slice(0, index)
      .reverse()
      .find((m) => m.role === 'user');
    if (!question) throw new QuireError('not_found', 'The question for this answer is gone.');
    return this.answer(target.conversationId, question);
  }

  stop(messageId: string): boolean {
    const run = this.running.get(messageId);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  async stopAll(): Promise<void> {
    for (const run of this.running.values()) run.controller.abort();
  }

  private async answer(conversationId: string, question: Message): Promise<SendResult> {
    const assistant = this.deps.store.putMessage(
      blankMessage(conversationId, 'assistant', '', 'streaming'),
    );
    this.touchConversation(conversationId);
    const controller = new AbortController();
    this.running.set(assistant.id, { controller });
    const stream = chatStream(assistant.id);
    void this.pipeline(assistant, question, controller.signal).finally(() => {
      this.running.delete(assistant.id);
      this.deps.hub.finish(stream);
      this.touchConversation(conversationId);
    });
    return { conversationId, userMessageId: question.id, messageId: assistant.id, stream };
  }

  private async pipeline(message: Message, question: Message, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const stream = chatStream(message.id);
    const emit = <K extends keyof EventData>(type: K, data: EventData[K]) =>
      this.deps.hub.emit(stream, type, data);
    const step = (
      stepName: string,
      status: 'running' | 'done' | 'error',
      label: string,
      category: EventData['step']['category'],
    ) =>
      emit('step', {
        step: stepName,
        status,
        label,
        category,
        progress: status === 'done' ? 1 : null,
      });
    let current: Message = message;
    let text = '';
    let firstTokenMs: number | null = null;
    const save = (patch: Partial<Message>) =>
      (current = this.deps.store.putMessage({ ...current, ...patch, updatedAt: Date.now() }));
    try {
      const provider = await this.deps.provider().catch(() => null);
      emit('message.start', {
        messageId: message.id,
        conversationId: message.conversationId,
        provider: provider?.kind ?? null,
        model: provider?.model ?? null,
      });
      save({ provider: provider?.kind ?? null, model: provider?.model ?? null });

      step('understand', 'running', 'Understanding your question', 'thinking');
      const earlier = this.deps.store
        .listMessages(message.conversationId)
        .filter(
          (m) =>
            m.createdAt < question.createdAt ||
            (m.createdAt === question.createdAt && m.id < question.id),
        );
      const query = searchQueryFor(
        question.text,
        earlier.filter((m) => m.role === 'user').map((m) => m.text),
      );
      step('understand', 'done', 'Understanding your question', 'thinking');

      const total = await this.deps.passageCount();
      const searchLabel = `Searching ${total.toLocaleString('en-US')} passages`;
      step('search', 'running', searchLabel, 'action');
      let rerankStarted = false;
      const retrieval = await this.deps.retrieve(query, () => {
        rerankStarted = true;
        step('search', 'done', searchLabel, 'action');
        step('rerank', 'running', 'Reranking the best matches', 'check');
      });
      if (!rerankStarted) step('search', 'done', searchLabel, 'action');
      else step('rerank', 'done', 'Reranking the best matches', 'check');
      throwIfStopped(signal);

      if (!provider) {
        const sources = retrieval.passages.map((p, i) => ({
          ...withoutText(p),
          n: i + 1,
          snippet: snippetOf(p.text),
        }));
        emit('message.sources', { sources, mode: 'search' });
        text = SEARCH_MODE_NOTE;
        emit('message.delta', { text });
        save({ sources, mode: 'search', text });
        this.finish(emit, save, {
          finishReason: 'stop',
          text,
          sources,
          started,
          firstTokenMs: null,
          usage: { promptTokens: 0, completionTokens: 0 },
        });
        return;
      }

      const contextSize = await provider.contextSize();
      const answerTokens = Math.min(this.deps.maxAnswerTokens ?? 512, Math.floor(contextSize / 4));
      const room = contextSize - answerTokens - CONTEXT_MARGIN_TOKENS;
      // A first question may fill the room with sources; on a follow-up, buildPrompt lets the
      // replayed history take what is left once the new turn has half this budget.
      const budget = Math.min(
        room,
        this.deps.maxPromptTokens ?? (provider.kind === 'embedded' ? 1536 : 6000),
      );
      const prompt = await buildPrompt({
        question: question.text,
        passages: retrieval.passages,
        history: exchangesIn(earlier, (m) => this.deps.store.sentPrompt(m)),
        budgetTokens: budget,
        contextTokens: room,
        maxHistoryTokens: this.deps.maxHistoryTokens ?? 4 * budget,
        countTokens: (t) => provider.countTokens(t),
      });
      // Before generation: the provider's cache holds this turn from now on, answered or not.
      this.deps.store.putSentPrompt(question, prompt.userTurn);
      emit('message.sources', { sources: prompt.sources, mode: 'answer' });
      save({ sources: prompt.sources, mode: 'answer' });

      step('write', 'running', 'Writing the answer', 'action');
      const coalescer = new DeltaCoalescer((delta) => emit('message.delta', { text: delta }));
      let lastCheckpoint = Date.now();
      const generator = provider.stream({
        messages: prompt.messages,
        maxTokens: answerTokens,
        signal,
        sessionKey: message.conversationId,
      });
      let result: {
        finishReason: 'stop' | 'length' | 'cancelled';
        usage: { promptTokens: number; completionTokens: number };
      };
      try {
        for (;;) {
          const next = await generator.next();
          if (next.done) {
            result = next.value;
            break;
          }
          if (!next.value) continue;
          firstTokenMs ??= performance.now() - started;
          text += next.value;
          coalescer.push(next.value);
          if (Date.now() - lastCheckpoint >= (this.deps.checkpointMs ?? 1000)) {
            lastCheckpoint = Date.now();
            save({ text });
          }
        }
      } finally {
        coalescer.flush();
      }
      step('write', 'done', 'Writing the answer', 'action');
      this.finish(emit, save, {
        finishReason: signal.aborted ? 'cancelled' : result.finishReason,
        text,
        sources: prompt.sources,
        started,
        firstTokenMs,
        usage: result.usage,
      });
    } catch (error) {
      if (signal.aborted || (error instanceof QuireError && error.code === 'cancelled')) {
        this.finish(emit, save, {
          finishReason: 'cancelled',
          text,
          sources: current.sources,
          started,
          firstTokenMs,
          usage: { promptTokens: 0, completionTokens: 0 },
        });
        return;
      }
      const shape = toErrorShape(error);
      const failure = {
        code: shape.code,
        message: shape.message,
        retryable: shape.retryable ?? false,
      };
      emit('step', {
        step: 'error',
        status: 'error',
        label: 'Something went wrong',
        category: 'error',
        progress: null,
      });
      emit('message.error', failure);
      save({
        text,
        status: 'error',
        finishReason: 'error',
        error: failure,
        timings: { firstTokenMs, totalMs: performance.now() - started },
      });
    }
  }

  private finish(
    emit: <K extends keyof EventData>(type: K, data: EventData[K]) => unknown,
    save: (patch: Partial<Message>) => Message,
    outcome: {
      finishReason: FinishReason;
      text: string;
      sources: Message['sources'];
      started: number;
      firstTokenMs: number | null;
      usage: { promptTokens: number; completionTokens: number };
    },
  ) {
    const citations = extractCitations(outcome.text, outcome.sources.length);
    const timings = {
      firstTokenMs: outcome.firstTokenMs,
      totalMs: Math.round(performance.now() - outcome.started),
    };
    save({
      text: outcome.text,
      status: outcome.finishReason === 'cancelled' ? 'cancelled' : 'complete',
      finishReason: outcome.finishReason,
      citations,
      usage: outcome.usage,
      timings,
    });
    emit('message.end', {
      finishReason: outcome.finishReason,
      usage: outcome.usage,
      timings,
      citations,
    });
  }

  private touchConversation(conversationId: string) {
    const conv = this.deps.store.getConversation(conversationId);
    if (!conv) return;
    const { messageCount: _count, ...rest } = conv;
    const updated = this.deps.store.putConversation({ ...rest, updatedAt: Date.now() });
    this.deps.hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
  }
}

// Our token counts leave out the chat template's framing; this keeps the provider from trimming.
const CONTEXT_MARGIN_TOKENS = 32;

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

function titleFrom(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 59).replace(/\s+\S*$/, '')}…`;
}

let lastCreatedAt = 0;

function blankMessage(
  conversationId: string,
  role: Message['role'],
  text: string,
  status: Message['status'],
): Message {
  // Strictly increasing, so a question and its answer created in one millisecond keep their order.
  const now = (lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1));
  return {
    id: newId('m'),
    conversationId,
    role,
    text,
    status,
    mode: null,
    sources: [],
    citations: [],
    finishReason: null,
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: now,
    updatedAt: now,
  };
}
