import { QuireError } from '../../../shared/errors';
import type { ProviderSettings } from '../../../shared/settings';
import { AnthropicProvider } from './anthropic-provider';
import { EmbeddedProvider } from './embedded-provider';
import { OpenAiCompatibleProvider } from './openai-provider';
import type { LlmProvider, ProviderDeps } from './types';

/**
 * The provider for the user's settings; null for 'none' (search-only mode). Nothing is loaded or
 * contacted here: the embedded model loads on first use or test(), HTTP providers on each request.
 */
export async function createProvider(
  settings: ProviderSettings,
  deps: ProviderDeps,
): Promise<LlmProvider | null> {
  const { secrets, timeouts } = deps;
  switch (settings.kind) {
    case 'none':
      return null;
    case 'embedded':
      return new EmbeddedProvider({
        modelPath: settings.modelPath,
        contextSize: settings.contextSize,
        threads: settings.threads,
        timeouts,
      });
    case 'ollama':
    case 'openai':
      return new OpenAiCompatibleProvider({
        kind: settings.kind,
        baseUrl: settings.baseUrl,
        model: settings.model,
        secrets,
        timeouts,
        ...(settings.contextSize ? { contextSize: settings.contextSize } : {}),
      });
    case 'anthropic':
      return new AnthropicProvider({
        baseUrl: settings.baseUrl,
        model: settings.model,
        secrets,
        timeouts,
      });
  }
}

/** For the chat pipeline when settings say 'none'. */
export function noProviderError(): QuireError {
  return new QuireError(
    'no_provider',
    'No language model is set up, so Quire shows the passages it found. Add a model in Settings to get written answers.',
  );
}
