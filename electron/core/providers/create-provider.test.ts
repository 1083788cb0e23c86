import { describe, expect, it } from 'vitest';
import { SessionSecretStore } from '../secrets/session-secret-store';
import { AnthropicProvider } from './anthropic-provider';
import { createProvider, noProviderError } from './create-provider';
import { EmbeddedProvider } from './embedded-provider';
import { OpenAiCompatibleProvider } from './openai-provider';

const deps = { secrets: new SessionSecretStore() };

describe('createProvider', () => {
  it('returns null for none, and the right provider for each kind without contacting anything', async () => {
    expect(await createProvider({ kind: 'none' }, deps)).toBeNull();
    const embedded = await createProvider({ kind: 'embedded', modelPath: '/m/tiny.gguf' }, deps);
    expect(embedded).toBeInstanceOf(EmbeddedProvider);
    expect(embedded?.model).toBe('tiny');
    const ollama = await createProvider(
      { kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
      deps,
    );
    expect(ollama).toBeInstanceOf(OpenAiCompatibleProvider);
    expect(ollama?.kind).toBe('ollama');
    expect(await ollama?.contextSize()).toBe(4096);
    const openai = await createProvider(
      { kind: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
      deps,
    );
    expect(openai?.kind).toBe('openai');
    const anthropic = await createProvider({ kind: 'anthropic', model: 'claude-sonnet-4-5' }, deps);
    expect(anthropic).toBeInstanceOf(AnthropicProvider);
    expect(await anthropic?.contextSize()).toBe(200_000);
    expect(await anthropic?.countTokens('four words go here')).toBeGreaterThan(0);
  });

  it('has a plain-words error for search-only mode', () => {
    expect(noProviderError().toShape()).toMatchObject({ code: 'no_provider' });
  });
});
