import { QuireError } from '../../../shared/errors';
import { fitPrompt, sameTurns, splitMessages, type PromptParts } from './embedded-budget';
import {
  contextLengthError,
  countPromptTokens,
  describeLoaded,
  llamaFailure,
  loadEmbeddedModel,
  modelName,
  toHistory,
  type EmbeddedModelOptions,
  type LoadedModel,
} from './embedded-model';
import { StreamGuard } from './stream-guard';
import type {
  ChatTurn,
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  ProviderTestResult,
  ProviderTimeouts,
} from './types';

export type EmbeddedProviderOptions = EmbeddedModelOptions & { timeouts?: ProviderTimeouts };

/** What the last generation cost, for tests and the benchmark. */
export type EmbeddedRunStats = {
  sessionKey: string;
  reusedSession: boolean;
  trimmed: boolean;
  promptTokens: number;
  /** Prompt tokens llama.cpp actually evaluated; less than promptTokens when the cache was reused. */
  evaluatedPromptTokens: number;
  completionTokens: number;
};

// CPU prompt evaluation of a full context can take minutes on a big model: only a real stall counts.
const DEFAULT_IDLE_MS = 180_000;
const SAFETY_TOKENS = 8;
const ANONYMOUS_SESSION = '\u0000anonymous';
const CANCELLED: GenerateResult = {
  finishReason: 'cancelled',
  usage: { promptTokens: 0, completionTokens: 0 },
};

function priorTurns(parts: PromptParts): ChatTurn[] {
  const system: ChatTurn[] = parts.system ? [{ role: 'system', content: parts.system }] : [];
  return [...system, ...parts.history];
}

/** llama.cpp in-process through node-llama-cpp; evaluation runs on its native threads. */
export class EmbeddedProvider implements LlmProvider {
  readonly kind = 'embedded' as const;
  readonly model: string;
  lastRun: EmbeddedRunStats | null = null;
  private loading: Promise<LoadedModel> | null = null;
  private loaded: LoadedModel | null = null;
  private tail: Promise<void> = Promise.resolve();
  private readonly running = new Set<StreamGuard>();
  private readonly idleMs: number;

  constructor(private readonly options: EmbeddedProviderOptions) {
    this.model = modelName(options.modelPath);
    this.idleMs = options.timeouts?.idleMs ?? DEFAULT_IDLE_MS;
  }

  private load(): Promise<LoadedModel> {
    this.loading ??= loadEmbeddedModel(this.options).then(
      (l) => (this.loaded = l),
      (error: unknown) => {
        this.loading = null; // a fixed path or freed memory may work next time
        throw error;
      },
    );
    return this.loading;
  }

  async contextSize(): Promise<number> {
    return (await this.load()).context.contextSize;
  }

  async countTokens(text: string): Promise<number> {
    return (await this.load()).model.tokenize(text).length;
  }

  /** Generations run one at a time: two CPU-bound evaluations would only slow each other down. */
  private async lock(signal: AbortSignal): Promise<(() => void) | null> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    await Promise.race([previous, aborted]);
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) {
      void previous.then(release);
      return null;
    }
    return release;
  }

  async *stream(request: GenerateRequest): AsyncGenerator<string, GenerateResult> {
    if (request.signal.aborted) return CANCELLED;
    const loaded = await this.load();
    const release = await this.lock(request.signal);
    if (!release) return CANCELLED;
    try {
      return yield* this.generate(loaded, request);
    } finally {
      release();
    }
  }

  private async *generate(
    l: LoadedModel,
    request: GenerateRequest,
  ): AsyncGenerator<string, GenerateResult> {
    const ctxSize = l.context.contextSize;
    const wanted = request.maxTokens ?? Math.min(512, Math.floor(ctxSize / 4));
    const maxTokens = Math.max(1, Math.min(wanted, Math.floor(ctxSize / 2)));
    const parts = splitMessages(request.messages);
    if (!parts.user) throw new QuireError('internal', 'The conversation must end with a question.');
    // Fitting prompt + answer in the context up front means llama.cpp never has to shift it.
    const budget = ctxSize - maxTokens - SAFETY_TOKENS;
    const fitted = fitPrompt(parts, (p) => countPromptTokens(l, p), budget);
    if (!fitted) throw contextLengthError(ctxSize);
    const promptTokens = countPromptTokens(l, fitted.parts);

    const key = request.sessionKey ?? ANONYMOUS_SESSION;
    const entry = l.pool.acquire(key);
    const prior = priorTurns(fitted.parts);
    // A history that does not extend the cached one (regenerate, edit, trimmed) resets the
    // session; node-llama-cpp still reuses whatever token prefix the sequence already holds.
    const reusedSession = sameTurns(entry.turns, prior);
    if (!reusedSession) {
      entry.session.setChatHistory(toHistory(fitted.parts.system, fitted.parts.history));
    }
    entry.turns = prior;

    const before = entry.sequence.tokenMeter.getState();
    const guard = new StreamGuard(request.signal, this.idleMs);
    this.running.add(guard);
    const chunks: string[] = [];
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let settled = false;
    let meta: Awaited<ReturnType<typeof entry.session.promptWithMeta>> | undefined;
    let failure: unknown;
    guard.arm();
    const run = entry.session
      .promptWithMeta(fitted.parts.user, {
        maxTokens,
        temperature: request.temperature,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        signal: guard.signal,
        stopOnAbortSignal: true, // keep the partial answer instead of throwing
        onTextChunk: (text) => {
          chunks.push(text);
          guard.arm();
          notify();
        },
      })
      .then(
        (value) => void (meta = value),
        (error: unknown) => void (failure = error),
      )
      .finally(() => {
        settled = true;
        notify();
      });

    let drained = false;
    try {
      for (;;) {
        for (let next = chunks.shift(); next !== undefined; next = chunks.shift()) yield next;
        if (settled) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      drained = true;
    } finally {
      if (!drained) {
        guard.abort(); // the consumer went away: stop evaluating
        entry.turns = null; // the session now holds an exchange we did not record
      }
      await run;
      guard.dispose();
      this.running.delete(guard);
    }

    const used = entry.sequence.tokenMeter.diff(before);
    if (!meta) {
      if (guard.idleFired) throw this.idleTimeout();
      if (guard.cancelled) return { ...CANCELLED, usage: { promptTokens, completionTokens: 0 } };
      l.pool.drop(key);
      throw llamaFailure(failure, ctxSize);
    }
    entry.turns = [
      ...prior,
      { role: 'user', content: fitted.parts.user },
      { role: 'assistant', content: meta.responseText },
    ];
    this.lastRun = {
      sessionKey: key,
      reusedSession,
      trimmed: fitted.trimmed,
      promptTokens,
      evaluatedPromptTokens: used.usedInputTokens,
      completionTokens: used.usedOutputTokens,
    };
    if (guard.idleFired) throw this.idleTimeout();
    const finishReason =
      meta.stopReason === 'abort'
        ? 'cancelled'
        : meta.stopReason === 'maxTokens'
          ? 'length'
          : 'stop';
    return { finishReason, usage: { promptTokens, completionTokens: used.usedOutputTokens } };
  }

  private idleTimeout(): QuireError {
    const seconds = Math.round(this.idleMs / 1000);
    return new QuireError(
      'timeout',
      `The built-in model produced nothing for ${seconds} seconds. Try again, or pick a smaller model.`,
      { retryable: true },
    );
  }

  /** Debug counters: sessions created and evicted, and how many are warm. */
  sessionStats(): { created: number; evicted: number; warm: number } | null {
    const pool = this.loaded?.pool;
    return pool ? { created: pool.created, evicted: pool.evicted, warm: pool.size } : null;
  }

  async test(): Promise<ProviderTestResult> {
    try {
      return { ok: true, detail: describeLoaded(this.model, await this.load()) };
    } catch (error) {
      const e = llamaFailure(error, 0);
      return { ok: false, code: e.code, message: e.message };
    }
  }

  async dispose(): Promise<void> {
    for (const guard of this.running) guard.abort();
    await this.tail;
    const l = await this.loading?.catch(() => null);
    this.loading = null;
    this.loaded = null;
    if (!l) return;
    l.pool.disposeAll();
    await l.context.dispose();
    await l.model.dispose();
  }
}
