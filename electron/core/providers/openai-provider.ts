import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { QuireError } from '../../../shared/errors';
import type { SecretStore } from '../secrets';
import { guessContextSize } from './context-sizes';
import {
  contextSizesFrom,
  droppedError,
  httpError,
  isLoopbackUrl,
  providerLabel,
  timeoutError,
  webPageError,
  type ErrorContext,
} from './provider-errors';
import { mapSdkError, testConnection } from './sdk-errors';
import { readServerContextSize } from './server-context-size';
import { ServerTokenizer } from './server-tokenizer';
import {
  DEFAULT_CONNECT_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_LOOPBACK_CONNECT_MS,
  estimateTokens,
  guardedStream,
} from './stream-guard';
import type {
  ChatTurn,
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  ProviderTestResult,
  ProviderTimeouts,
} from './types';
import { listModelsForTest } from './openai-model-list';

export type OpenAiProviderOptions = {
  kind: 'openai' | 'ollama';
  baseUrl: string;
  model: string;
  secrets: SecretStore;
  timeouts?: ProviderTimeouts;
  fetch?: typeof fetch;
  /** The context size from Settings; otherwise the server is asked, then a guess is used. */
  contextSize?: number;
};

// Loopback servers (Ollama, LM Studio, llama-server) ignore the key, but the SDK wants one.
const LOCAL_PLACEHOLDER_KEY = 'quire-local-no-key';

/** Over what the server said a refused prompt cost, so the refit is not cut to the last token. */
const OVERFLOW_MARGIN = 1.1;
/** Chat-template framing per message, for comparing our count with the server's. */
const TURN_FRAMING_TOKENS = 8;

type Overflow = { promptTokens: number; contextTokens: number };

/** Any OpenAI Chat Completions server: OpenAI, OpenRouter, vLLM, LM Studio, llama-server, Ollama. */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly kind: 'openai' | 'ollama';
  readonly model: string;
  private readonly baseUrl: string;
  private readonly loopback: boolean;
  private readonly connectMs: number;
  private readonly idleMs: number;
  /** The server's own tokenizer (llama-server), or null where there is none to ask. */
  private readonly tokenizer: ServerTokenizer | null;
  /** Learned from a prompt the server refused as too long: its true context, and how far our counts fell short. */
  private serverContext: number | null = null;
  private countScale = 1;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.kind = options.kind;
    this.model = options.model;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.loopback = isLoopbackUrl(this.baseUrl);
    this.connectMs =
      options.timeouts?.connectMs ??
      (this.loopback ? DEFAULT_LOOPBACK_CONNECT_MS : DEFAULT_CONNECT_MS);
    this.idleMs = options.timeouts?.idleMs ?? DEFAULT_IDLE_MS;
    // Ollama and OpenAI have no tokenize endpoint; anything else may be a llama-server.
    this.tokenizer =
      options.kind === 'openai' && new URL(this.baseUrl).hostname !== 'api.openai.com'
        ? new ServerTokenizer({
            origin: this.baseUrl.replace(/\/v1$/, ''),
            apiKey: () => options.secrets.get(this.account),
            fetch: options.fetch ?? fetch,
            timeoutMs: this.loopback ? 5_000 : 10_000,
          })
        : null;
  }

  private errorContext(secret: string | null): ErrorContext {
    return {
      label: providerLabel(this.kind, this.baseUrl),
      origin: new URL(this.baseUrl).origin,
      model: this.model,
      ollama: this.kind === 'ollama',
      loopback: this.loopback,
      secret,
    };
  }

  private get account(): string {
    return this.kind === 'ollama' ? 'ollama' : 'openai';
  }

  /** The stored key; loopback servers work without one, remote ones do not. */
  private async apiKey(): Promise<string> {
    const stored = await this.options.secrets.get(this.account);
    if (stored) return stored;
    if (this.loopback) return LOCAL_PLACEHOLDER_KEY;
    throw new QuireError(
      'key_missing',
      `Add your API key for ${new URL(this.baseUrl).host} in Settings. Quire keeps it in your system keychain.`,
    );
  }

  private client(apiKey: string): OpenAI {
    return new OpenAI({
      apiKey,
      baseURL: this.baseUrl,
      organization: null,
      project: null,
      maxRetries: 0, // retryable errors surface to the user, who decides
      timeout: this.connectMs,
      logLevel: 'off',
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  private get sendsMaxCompletionTokens(): boolean {
    // OpenAI's reasoning models reject max_tokens; local servers only know max_tokens.
    return new URL(this.baseUrl).hostname === 'api.openai.com';
  }

  private contextProbe: Promise<number> | null = null;

  async contextSize(): Promise<number> {
    const size = this.options.contextSize ?? (await this.probeContextSize());
    return this.serverContext ? Math.min(size, this.serverContext) : size;
  }

  private probeContextSize(): Promise<number> {
    this.contextProbe ??= this.options.secrets
      .get(this.account)
      .catch(() => null)
      .then((apiKey) =>
        readServerContextSize({
          kind: this.kind,
          baseUrl: this.baseUrl,
          model: this.model,
          apiKey,
          fetch: this.options.fetch ?? fetch,
        }),
      )
      .then((size) => size ?? guessContextSize(this.kind, this.model));
    return this.contextProbe;
  }

  async countTokens(text: string): Promise<number> {
    return Math.ceil((await this.rawCount(text)) * this.countScale);
  }

  /** The whole prompt, chat template included, exactly as the server counts it; null if it cannot. */
  async countPromptTokens(messages: ChatTurn[]): Promise<number | null> {
    return this.tokenizer ? this.tokenizer.prompt(messages) : null;
  }

  private rawCount(text: string): Promise<number> {
    return this.tokenizer ? this.tokenizer.count(text) : Promise.resolve(estimateTokens(text));
  }

  /**
   * The server refused the prompt and said what it really cost: later counts and the context
   * size are corrected from it, so the caller's refit (and every later question) fits.
   */
  private async learnFromOverflow(messages: readonly ChatTurn[], overflow: Overflow) {
    this.serverContext = Math.min(this.serverContext ?? Infinity, overflow.contextTokens);
    let counted = 0;
    for (const m of messages) counted += (await this.rawCount(m.content)) + TURN_FRAMING_TOKENS;
    if (counted > 0 && overflow.promptTokens > counted * this.countScale)
      this.countScale = (overflow.promptTokens / counted) * OVERFLOW_MARGIN;
  }

  async *stream(request: GenerateRequest): AsyncGenerator<string, GenerateResult> {
    const promptTokens = estimateTokens(request.messages.map((m) => m.content).join('\n'));
    let text = '';
    const result = (
      finishReason: GenerateResult['finishReason'],
      usage?: OpenAI.CompletionUsage,
    ) => ({
      finishReason,
      usage: {
        promptTokens: usage?.prompt_tokens ?? promptTokens,
        completionTokens: usage?.completion_tokens ?? estimateTokens(text),
      },
    });
    if (request.signal.aborted) return result('cancelled');
    const apiKey = await this.apiKey();
    const ctx = this.errorContext(apiKey);
    const body: ChatCompletionCreateParamsStreaming = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.maxTokens !== undefined) {
      if (this.sendsMaxCompletionTokens) body.max_completion_tokens = request.maxTokens;
      else body.max_tokens = request.maxTokens;
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;

    let finish: 'stop' | 'length' | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    let overflow: Overflow | undefined;
    let outcome: 'cancelled' | 'ended';
    try {
      outcome = yield* guardedStream({
        signal: request.signal,
        idleMs: this.idleMs,
        open: async (signal) => {
          const { data, response } = await this.client(apiKey)
            .chat.completions.create(body, { signal })
            .withResponse();
          if (/text\/html/i.test(response.headers.get('content-type') ?? ''))
            throw webPageError(ctx);
          return data;
        },
        onEvent: (chunk) => {
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices?.[0];
          if (choice?.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'stop';
          const delta = choice?.delta?.content ?? undefined;
          if (delta) text += delta;
          return delta;
        },
        idleError: () => timeoutError(ctx, 'idle', this.idleMs),
        mapError: (error, started) => this.mapError(error, ctx, started, (o) => (overflow = o)),
      });
    } catch (error) {
      // A refused prompt's figures are learned before the error goes on to the caller.
      if (overflow) await this.learnFromOverflow(request.messages, overflow);
      throw error;
    }
    if (outcome === 'cancelled') return result('cancelled', usage);
    if (!finish) throw droppedError(ctx);
    return result(finish, usage);
  }

  private mapError(
    error: unknown,
    ctx: ErrorContext,
    started: boolean,
    onOverflow?: (overflow: Overflow) => void,
  ): QuireError {
    return mapSdkError<APIError>(error, {
      ctx,
      started,
      connectMs: this.connectMs,
      classes: { APIConnectionTimeoutError, APIConnectionError, APIUserAbortError, APIError },
      fromApiError: (apiError) => {
        // llama-server adds the prompt and context sizes to its context error.
        const body = apiError.error as
          { message?: unknown; n_prompt_tokens?: unknown; n_ctx?: unknown } | string | undefined;
        const detail = typeof body === 'object' ? body : undefined;
        const count = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
        const message = typeof body === 'string' ? body : String(detail?.message ?? '');
        const parsed = contextSizesFrom(message);
        const promptTokens = count(detail?.n_prompt_tokens) ?? parsed.promptTokens;
        const contextTokens = count(detail?.n_ctx) ?? parsed.contextTokens;
        const mapped = httpError(
          {
            status: apiError.status,
            type: apiError.type,
            code: typeof apiError.code === 'string' ? apiError.code : undefined,
            message,
            headers: apiError.headers,
            promptTokens,
            contextTokens,
          },
          ctx,
          apiError,
        );
        if (mapped.code === 'context_length' && promptTokens && contextTokens)
          onOverflow?.({ promptTokens, contextTokens });
        return mapped;
      },
    });
  }

  test(): Promise<ProviderTestResult> {
    return testConnection(
      () => this.apiKey(),
      (apiKey) =>
        listModelsForTest({
          kind: this.kind,
          baseUrl: this.baseUrl,
          model: this.model,
          label: this.errorContext(apiKey).label,
          timeoutMs: this.connectMs,
          client: this.client(apiKey),
          fetch: this.options.fetch ?? fetch,
        }),
      (error, apiKey) => this.mapError(error, this.errorContext(apiKey), false),
    );
  }

  async dispose(): Promise<void> {}
}
