import type { ErrorCode } from '../../../shared/errors';
import type { ProviderSettings } from '../../../shared/settings';
import type { SecretStore } from '../secrets';

import type { ChatTurn, GenerateResult, ModelProviderKind } from '../../../shared/generation';

export type { ChatTurn, GenerateResult };

export type GenerateRequest = {
  /** System first; the last is the user turn to answer. */
  messages: ChatTurn[];
  maxTokens?: number;
  temperature?: number;
  /** Sampling seed, so a regenerated answer differs from the one before. */
  seed?: number;
  /** Abort = stop now: the upstream HTTP request or llama evaluation is cancelled. */
  signal: AbortSignal;
  /** Stable key (the conversation id) so providers that keep state (llama.cpp KV cache) reuse it. */
  sessionKey?: string;
};

export type ProviderKind = ModelProviderKind;

export type ProviderTestResult =
  { ok: true; detail: string } | { ok: false; code: ErrorCode; message: string };

export interface LlmProvider {
  readonly kind: ProviderKind;
  readonly model: string;
  /** Context window in tokens (for the prompt budget). */
  contextSize(): Promise<number>;
  /** Rough token count for budgeting (exact for embedded via its tokenizer). */
  countTokens(text: string): Promise<number>;
  /** The whole prompt, chat template included, as the server counts it; null when it cannot. */
  countPromptTokens?(messages: ChatTurn[]): Promise<number | null>;
  /**
   * Yields text deltas as the model produces them; returns the result. Throws QuireError.
   * A cancelled request returns finishReason 'cancelled' (does not throw).
   */
  stream(request: GenerateRequest): AsyncGenerator<string, GenerateResult>;
  /** "Test connection" for Settings: lists models / loads the file; never throws. */
  test(): Promise<ProviderTestResult>;
  dispose(): Promise<void>;
}

export type ProviderTimeouts = {
  /** Until the response headers arrive (HTTP) or the model is loaded (embedded). */
  connectMs?: number;
  /** No bytes (or no token) for this long mid-stream → 'timeout', retryable. */
  idleMs?: number;
};

export type ProviderDeps = { secrets: SecretStore; timeouts?: ProviderTimeouts };

export type { ProviderSettings };
