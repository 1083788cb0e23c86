import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { QuireError } from '../../../shared/errors';
import type { SecretStore } from '../secrets/types';
import { guessContextSize } from './context-sizes';
import {
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
import {
  DEFAULT_CONNECT_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_LOOPBACK_CONNECT_MS,
  estimateTokens,
  guardedStream,
} from './stream-guard';
import type {
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

/** Any OpenAI Chat Completions server: OpenAI, OpenRouter, vLLM, LM Studio, llama-server, Ollama. */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly kind: 'openai' | 'ollama';
  readonly model: string;
  private readonly baseUrl: string;
  private readonly loopback: boolean;
  private readonly connectMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.kind = options.kind;
    this.model = options.model;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.loopback = isLoopbackUrl(this.baseUrl);
    this.connectMs =
      options.timeouts?.connectMs ??
      (this.loopback ? DEFAULT_LOOPBACK_CONNECT_MS : DEFAULT_CONNECT_MS);
    this.idleMs = options.timeouts?.idleMs ?? DEFAULT_IDLE_MS;
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
    if (this.options.contextSize) return this.options.contextSize;
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
    return estimateTokens(text);
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
    const outcome = yield* guardedStream({
      signal: request.signal,
      idleMs: this.idleMs,
      open: async (signal) => {
        const { data, response } = await this.client(apiKey)
          .chat.completions.create(body, { signal })
          .withResponse();
        if (/text\/html/i.test(response.headers.get('content-type') ?? '')) throw webPageError(ctx);
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
      mapError: (error, started) => this.mapError(error, ctx, started),
    });
    if (outcome === 'cancelled') return result('cancelled', usage);
    if (!finish) throw droppedError(ctx);
    return result(finish, usage);
  }

  private mapError(error: unknown, ctx: ErrorContext, started: boolean): QuireError {
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
        const count = (v: unknown) => (typeof v === 'number' ? v : undefined);
        return httpError(
          {
            status: apiError.status,
            type: apiError.type,
            code: typeof apiError.code === 'string' ? apiError.code : undefined,
            message: typeof body === 'string' ? body : String(detail?.message ?? ''),
            headers: apiError.headers,
            promptTokens: count(detail?.n_prompt_tokens),
            contextTokens: count(detail?.n_ctx),
          },
          ctx,
          apiError,
        );
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
