import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  MessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import { QuireError } from '../../../shared/errors';
import type { SecretStore } from '../secrets';
import { guessContextSize } from './context-sizes';
import {
  droppedError,
  httpError,
  isLoopbackUrl,
  providerLabel,
  timeoutError,
  type ErrorContext,
} from './provider-errors';
import { mapSdkError, testConnection } from './sdk-errors';
import { DEFAULT_CONNECT_MS, DEFAULT_IDLE_MS, estimateTokens, guardedStream } from './stream-guard';
import type {
  ChatTurn,
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  ProviderTestResult,
  ProviderTimeouts,
} from './types';

export type AnthropicProviderOptions = {
  baseUrl?: string;
  model: string;
  secrets: SecretStore;
  timeouts?: ProviderTimeouts;
  fetch?: typeof fetch;
};

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
const DEFAULT_MAX_TOKENS = 2048; // the Messages API requires max_tokens

/** System turns go to `system`; the rest must alternate user/assistant and start with user. */
export function toAnthropicMessages(turns: ChatTurn[]): {
  system: string;
  messages: MessageParam[];
} {
  const system = turns
    .filter((t) => t.role === 'system')
    .map((t) => t.content)
    .join('\n\n');
  const messages: MessageParam[] = [];
  for (const turn of turns) {
    if (turn.role === 'system' || turn.content.trim() === '') continue;
    const last = messages[messages.length - 1];
    if (last && last.role === turn.role)
      last.content = `${String(last.content)}\n\n${turn.content}`;
    else if (messages.length > 0 || turn.role === 'user') {
      messages.push({ role: turn.role, content: turn.content });
    }
  }
  return { system, messages };
}

/** Claude through the official SDK's Messages streaming API. */
export class AnthropicProvider implements LlmProvider {
  readonly kind = 'anthropic' as const;
  readonly model: string;
  private readonly baseUrl: string;
  private readonly connectMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.model = options.model;
    this.baseUrl = (options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.connectMs = options.timeouts?.connectMs ?? DEFAULT_CONNECT_MS;
    this.idleMs = options.timeouts?.idleMs ?? DEFAULT_IDLE_MS;
  }

  private errorContext(secret: string | null): ErrorContext {
    return {
      label: providerLabel('anthropic', this.baseUrl),
      origin: new URL(this.baseUrl).origin,
      model: this.model,
      loopback: isLoopbackUrl(this.baseUrl),
      secret,
    };
  }

  private async apiKey(): Promise<string> {
    const key = await this.options.secrets.get('anthropic');
    if (key) return key;
    if (isLoopbackUrl(this.baseUrl)) return 'quire-local-no-key';
    throw new QuireError(
      'key_missing',
      'Add your Anthropic API key in Settings. Quire keeps it in your system keychain.',
    );
  }

  private client(apiKey: string): Anthropic {
    return new Anthropic({
      apiKey,
      baseURL: this.baseUrl,
      maxRetries: 0,
      timeout: this.connectMs,
      logLevel: 'off',
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  async contextSize(): Promise<number> {
    return guessContextSize('anthropic', this.model);
  }

  async countTokens(text: string): Promise<number> {
    return estimateTokens(text);
  }

  async *stream(request: GenerateRequest): AsyncGenerator<string, GenerateResult> {
    let text = '';
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    const result = (finishReason: GenerateResult['finishReason']): GenerateResult => ({
      finishReason,
      usage: {
        promptTokens:
          inputTokens ?? estimateTokens(request.messages.map((m) => m.content).join('\n')),
        completionTokens: outputTokens ?? estimateTokens(text),
      },
    });
    if (request.signal.aborted) return result('cancelled');
    const apiKey = await this.apiKey();
    const ctx = this.errorContext(apiKey);
    const { system, messages } = toAnthropicMessages(request.messages);
    const body: MessageCreateParamsStreaming = {
      model: this.model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      messages,
      stream: true,
      ...(system ? { system } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    let stopped = false;
    let finish: 'stop' | 'length' = 'stop';
    const outcome = yield* guardedStream({
      signal: request.signal,
      idleMs: this.idleMs,
      open: (signal) => this.client(apiKey).messages.create(body, { signal }),
      onEvent: (event) => {
        if (event.type === 'message_start') {
          const u = event.message.usage;
          inputTokens =
            u.input_tokens +
            (u.cache_read_input_tokens ?? 0) +
            (u.cache_creation_input_tokens ?? 0);
        } else if (event.type === 'message_delta') {
          outputTokens = event.usage.output_tokens;
          if (event.delta.stop_reason === 'max_tokens') finish = 'length';
        } else if (event.type === 'message_stop') {
          stopped = true;
        } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          text += event.delta.text;
          return event.delta.text;
        }
        return undefined;
      },
      idleError: () => timeoutError(ctx, 'idle', this.idleMs),
      mapError: (error, started) => this.mapError(error, ctx, started),
    });
    if (outcome === 'cancelled') return result('cancelled');
    if (!stopped) throw droppedError(ctx);
    return result(finish);
  }

  private mapError(error: unknown, ctx: ErrorContext, started: boolean): QuireError {
    return mapSdkError<APIError>(error, {
      ctx,
      started,
      connectMs: this.connectMs,
      classes: { APIConnectionTimeoutError, APIConnectionError, APIUserAbortError, APIError },
      fromApiError: (apiError) =>
        apiError.errorCode === 'enforced_spend_limit_reached'
          ? new QuireError(
              'rate_limit',
              'Your Anthropic organization reached its monthly spend limit. Raise it in the Anthropic Console, or pick another model.',
              { cause: apiError },
            )
          : httpError(
              {
                status: apiError.status,
                type: apiError.type ?? undefined,
                message: apiError.apiMessage ?? undefined,
                headers: apiError.headers,
              },
              ctx,
              apiError,
            ),
    });
  }

  test(): Promise<ProviderTestResult> {
    return testConnection(
      () => this.apiKey(),
      async (apiKey) => {
        const label = this.errorContext(apiKey).label;
        const page = await this.client(apiKey).models.list(
          { limit: 100 },
          { signal: AbortSignal.timeout(this.connectMs) },
        );
        const ids = page.data.map((m) => m.id);
        return {
          ok: true,
          detail: ids.includes(this.model)
            ? `${label} accepted the key; "${this.model}" is available.`
            : `${label} accepted the key (${ids.length} models listed; "${this.model}" is not among them, but aliases may still work).`,
        };
      },
      (error, apiKey) => this.mapError(error, this.errorContext(apiKey), false),
    );
  }

  async dispose(): Promise<void> {}
}
