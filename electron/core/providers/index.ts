export { createProvider, noProviderError } from './create-provider';
export { AnthropicProvider, type AnthropicProviderOptions } from './anthropic-provider';
export {
  EmbeddedProvider,
  type EmbeddedProviderOptions,
  type EmbeddedRunStats,
} from './embedded-provider';
export { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openai-provider';
export type {
  ChatTurn,
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  ProviderDeps,
  ProviderKind,
  ProviderTestResult,
  ProviderTimeouts,
} from './types';
