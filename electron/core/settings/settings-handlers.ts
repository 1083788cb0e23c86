import type { EntailmentStatus, RerankerStatus, SettingsView } from '../../../shared/contract';
import { isRemoteProvider } from '../../../shared/settings';
import type { Handlers } from '../rpc/dispatch';
import type { ProviderManager } from './provider-manager';
import type { SettingsStore } from './settings-store';

type SettingsHandlers = Pick<
  Handlers,
  | 'settings.get'
  | 'settings.update'
  | 'settings.setApiKey'
  | 'settings.clearApiKey'
  | 'providers.test'
>;

/** Live state the settings screen shows beside the saved settings. */
export type SettingsStatus = {
  /** Labels of saved settings that take effect only when Quire restarts. */
  pendingRestart?: () => string[];
  /** Whether reranking can run: the screen warns when it is on but its model is missing. */
  reranker?: () => RerankerStatus;
  /** Whether answers are checked with the entailment model, and why not when switched on. */
  entailment?: () => EntailmentStatus;
};

export function createSettingsHandlers(
  settings: SettingsStore,
  providers: ProviderManager,
  status: SettingsStatus = {},
): SettingsHandlers {
  async function view(): Promise<SettingsView> {
    const secrets = await providers.secretStore();
    const current = settings.get();
    return {
      settings: current,
      keys: { openai: await secrets.has('openai'), anthropic: await secrets.has('anthropic') },
      secretBackend: secrets.backend,
      offline: !isRemoteProvider(current.provider),
      warnings: [...settings.warnings],
      pendingRestart: status.pendingRestart?.() ?? [],
      ...(status.reranker ? { reranker: status.reranker() } : {}),
      ...(status.entailment ? { entailment: status.entailment() } : {}),
    };
  }
  return {
    'settings.get': () => view(),
    'settings.update': async ({ settings: next }) => {
      settings.update(next);
      return view();
    },
    'settings.setApiKey': async ({ provider, key }) => {
      await (await providers.secretStore()).set(provider, key);
      return view();
    },
    'settings.clearApiKey': async ({ provider }) => {
      await (await providers.secretStore()).delete(provider);
      return view();
    },
    'providers.test': ({ provider }) => providers.test(provider),
  };
}
