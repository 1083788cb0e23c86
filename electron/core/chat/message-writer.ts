// One assistant message's events and stored copy, kept in step; every message ends exactly once.
import type { Message } from '../../../shared/contract/chat';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { AnswerChecks } from '../../../shared/answer-checks';
import { NO_USAGE, type Usage } from '../../../shared/generation';
import type { EventData, FinishReason } from '../../../shared/events';
import type { EventTypeOn, StreamIdOf } from '../../../shared/stream-kinds';
import { chatStream } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import type { ConversationStore } from './conversation-store';
import type { AnswerChecker } from '../checking/answer-checker';
import { extractCitations } from './prompt';

export class MessageWriter {
  readonly started = performance.now();
  readonly stream: StreamIdOf<'chat'>;
  text = '';
  firstTokenMs: number | null = null;
  private current: Message;
  private ended = false;
  private checker: AnswerChecker | null = null;

  constructor(
    private readonly hub: StreamHub,
    private readonly store: ConversationStore,
    message: Message,
  ) {
    this.current = message;
    this.stream = chatStream(message.id);
  }

  get message(): Message {
    return this.current;
  }

  emit<K extends EventTypeOn<StreamIdOf<'chat'>>>(type: K, data: EventData[K]): void {
    // Nothing may follow the terminal event: a late step would reopen a finished message.
    if (!this.ended) this.hub.emit(this.stream, type, data);
  }

  step(
    step: string,
    status: 'running' | 'done' | 'error',
    label: string,
    category: EventData['step']['category'],
  ): void {
    this.emit('step', { step, status, label, category, progress: status === 'done' ? 1 : null });
  }

  save(patch: Partial<Message>): Message {
    this.current = this.store.putMessage({ ...this.current, ...patch, updatedAt: Date.now() });
    return this.current;
  }

  /** Appends generated text; the caller sends the deltas (coalesced). */
  append(token: string): void {
    this.firstTokenMs ??= performance.now() - this.started;
    this.text += token;
    this.checker?.update(this.text);
  }

  /** From now on the answer's sentences are checked as they end (see checking/answer-checker). */
  checkWith(checker: AnswerChecker): void {
    this.checker = checker;
  }

  /** Every verdict so far, whole; kept on the message so a snapshot or replay has them. */
  reportChecks(checks: AnswerChecks): void {
    if (this.ended) return;
    this.save({ checks });
    this.emit('message.checks', checks);
  }

  /**
   * Checks the whole written text once more and sends the final verdicts, then ends. Whatever
   * was written is checked, a stopped or failed answer's part included; a check that fails
   * costs the verdicts, never the answer.
   */
  async finish(
    finishReason: Exclude<FinishReason, 'error'>,
    usage: Usage = NO_USAGE,
  ): Promise<void> {
    await this.settleChecks();
    this.end(finishReason, usage);
  }

  async settleChecks(): Promise<void> {
    const checker = this.checker;
    if (!checker || this.ended) return;
    this.checker = null;
    try {
      this.reportChecks(await checker.finish(this.text));
    } catch {
      // The answer stands without verdicts.
    }
  }

  /** The one terminal event for a message that was answered, cut short or stopped. */
  end(finishReason: Exclude<FinishReason, 'error'>, usage: Usage = NO_USAGE): void {
    if (this.ended) return;
    const citations = extractCitations(this.text, this.current.sources.length);
    const timings = this.timings();
    this.save({
      text: this.text,
      status: finishReason === 'cancelled' ? 'cancelled' : 'complete',
      finishReason,
      citations,
      usage,
      timings,
    });
    this.emit('message.end', { finishReason, usage, timings, citations });
    this.ended = true;
  }

  /**
   * Ends a message whose pipeline threw: a stop ends it as cancelled, anything else as an
   * error (message.error with the reason, then message.end with finishReason 'error').
   */
  fail(error: unknown, signal: AbortSignal): void {
    if (this.ended) return;
    if (signal.aborted || (error instanceof QuireError && error.code === 'cancelled'))
      return this.end('cancelled');
    const shape = toErrorShape(error);
    const failure = {
      code: shape.code,
      message: shape.message,
      retryable: shape.retryable ?? false,
    };
    this.step('error', 'error', 'Something went wrong', 'error');
    this.emit('message.error', failure);
    const timings = this.timings();
    this.save({ text: this.text, status: 'error', finishReason: 'error', error: failure, timings });
    this.emit('message.end', { finishReason: 'error', usage: NO_USAGE, timings, citations: [] });
    this.ended = true;
  }

  private timings() {
    return {
      firstTokenMs: this.firstTokenMs,
      totalMs: Math.round(performance.now() - this.started),
    };
  }
}
