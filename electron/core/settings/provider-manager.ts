import os from 'node:os';
import type { ProviderSettings } from '../../../shared/settings';
import { createProvider, type LlmProvider, type ProviderTimeouts } from '../providers';
import { createSecretStore, type SafeStorageLike, type SecretStore } from '../secrets';

/**
 * Owns the secret store and the live provider. The provider is rebuilt when its settings
 * change, and the old one disposed (an embedded model frees its memory).
 */
export class ProviderManager {
  private secrets: Promise<SecretStore> | null = null;
  private current: { key: string; provider: Promise<LlmProvider | null> } | null = null;

  constructor(
    private readonly options: {
      dataDir: string;
      safeStorage?: SafeStorageLike;
      keychain?: boolean;
      log?: (m: string) => void;
      /** Connect and idle time-outs for every provider (tests shorten them). */
      timeouts?: ProviderTimeouts;
    },
  ) {}

  secretStore(): Promise<SecretStore> {
    this.secrets ??= createSecretStore({
      dataDir: this.options.dataDir,
      safeStorage: this.options.safeStorage,
      keychain: this.options.keychain === false ? false : undefined,
      log: this.options.log,
    });
    return this.secrets;
  }

  async providerFor(requested: ProviderSettings): Promise<LlmProvider | null> {
    const settings = withThreadDefault(requested);
    const key = JSON.stringify(settings);
    if (this.current?.key !== key) {
      const previous = this.current;
      const provider = this.secretStore().then((secrets) =>
        createProvider(settings, { secrets, timeouts: this.options.timeouts }),
      );
      const entry = { key, provider };
      this.current = entry;
      // A failure is not remembered: the next question tries again (the file may be back).
      provider.catch(() => {
        if (this.current === entry) this.current = null;
      });
      void previous?.provider.then((p) => p?.dispose()).catch(() => {});
    }
    return this.current.provider;
  }

  /** A throwaway provider for "Test connection", so testing never disturbs the live one. */
  async test(requested: ProviderSettings) {
    const settings = withThreadDefault(requested);
    if (settings.kind === 'none')
      return { ok: true as const, detail: 'Search-only mode: answers show the passages found.' };
    const provider = await createProvider(settings, {
      secrets: await this.secretStore(),
      timeouts: this.options.timeouts,
    });
    try {
      return provider ? await provider.test() : { ok: true as const, detail: 'No provider.' };
    } finally {
      await provider?.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.current?.provider.then((p) => p?.dispose()).catch(() => {});
    this.current = null;
  }
}

/**
 * llama.cpp threads spin while they wait: more threads than free cores collapses speed
 * (measured on 2 busy cores: 1 thread ~1,000 tokens/s, 2 threads ~5). Leave a core free.
 */
function withThreadDefault(settings: ProviderSettings): ProviderSettings {
  if (settings.kind !== 'embedded' || settings.threads) return settings;
  return { ...settings, threads: Math.max(1, Math.min(8, os.availableParallelism() - 1)) };
}
