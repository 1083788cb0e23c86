import type {
  EntailmentStatus,
  LibraryStatus,
  MethodResult,
  ParsedArgs,
  RerankerStatus,
  SettingsView,
} from '../../../shared/contract';
import { QuireError } from '../../../shared/errors';
import { checkLibraryAddress } from '../../../shared/library-address';
import { isRemoteProvider, type Settings } from '../../../shared/settings';
import type { Principal } from '../../../shared/contract/access';
import { principalOf, type Handlers } from '../rpc/dispatch';
import type { ProviderManager } from './provider-manager';
import type { SettingsStore } from './settings-store';

type SettingsHandlers = Pick<
  Handlers,
  | 'settings.get'
  | 'settings.update'
  | 'settings.setApiKey'
  | 'settings.clearApiKey'
  | 'settings.setLibrarySecret'
  | 'settings.clearLibrarySecret'
  | 'settings.checkLibrary'
  | 'providers.test'
>;

/** The keychain account of the secret access key for Settings' library bucket. */
export const LIBRARY_SECRET_ACCOUNT = 'library-s3-secret';

/** The library this Quire opened, and Settings' check of another before it is saved. */
export type LibrarySettingsPort = {
  status: () => Omit<LibraryStatus, 'secretStored'>;
  check: (
    args: ParsedArgs<'settings.checkLibrary'>,
  ) => Promise<MethodResult<'settings.checkLibrary'>>;
  /** The stored secret changed: the open library keeps the old one until a restart. */
  secretChanged: () => void;
};

/** Live state the settings screen shows beside the saved settings. */
export type SettingsStatus = {
  /** Labels of saved settings that take effect only when Quire restarts. */
  pendingRestart?: () => string[];
  /** Whether reranking can run: the screen warns when it is on but its model is missing. */
  reranker?: () => RerankerStatus;
  /** Whether answers are checked with the entailment model, and why not when switched on. */
  entailment?: () => EntailmentStatus;
  library?: LibrarySettingsPort;
};

export function createSettingsHandlers(
  settings: SettingsStore,
  providers: ProviderManager,
  status: SettingsStatus = {},
): SettingsHandlers {
  async function view(caller?: Principal): Promise<SettingsView> {
    const secrets = await providers.secretStore();
    const current = caller === undefined ? settings.get() : sharedWith(caller, settings.get());
    const library = status.library?.status();
    return {
      settings: current,
      keys: { openai: await secrets.has('openai'), anthropic: await secrets.has('anthropic') },
      secretBackend: secrets.backend,
      offline: !isRemoteProvider(current.provider),
      warnings: [...settings.warnings, ...(library?.problem ? [library.problem] : [])],
      pendingRestart: status.pendingRestart?.() ?? [],
      ...(status.reranker ? { reranker: status.reranker() } : {}),
      ...(status.entailment ? { entailment: status.entailment() } : {}),
      ...(library
        ? { library: { ...library, secretStored: await secrets.has(LIBRARY_SECRET_ACCOUNT) } }
        : {}),
    };
  }
  return {
    'settings.get': (_args, ctx) => view(principalOf(ctx)),
    'settings.update': async ({ settings: next }) => {
      // A library Quire could not open at its next start is refused now, in Settings' words.
      if (JSON.stringify(next.library) !== JSON.stringify(settings.get().library)) {
        const checked = checkLibraryAddress(next.library);
        if (!checked.ok)
          throw new QuireError('invalid_argument', `Library ${checked.field}: ${checked.message}`);
      }
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
    'settings.setLibrarySecret': async ({ secret }) => {
      await (await providers.secretStore()).set(LIBRARY_SECRET_ACCOUNT, secret);
      status.library?.secretChanged();
      return view();
    },
    'settings.clearLibrarySecret': async () => {
      if (await (await providers.secretStore()).delete(LIBRARY_SECRET_ACCOUNT))
        status.library?.secretChanged();
      return view();
    },
    'settings.checkLibrary': (args) =>
      status.library?.check(args) ??
      Promise.resolve({
        ok: false as const,
        code: 'internal' as const,
        message: 'This Quire cannot check a library location.',
      }),
    'providers.test': ({ provider }) => providers.test(provider),
  };
}

/**
 * Settings as a team server's user sees them: the storage's endpoint, region and access key ID
 * are the owner's, and only the owner (who may change them) is shown them.
 */
function sharedWith(caller: Principal, current: Settings): Settings {
  if (caller.role === 'owner') return current;
  const { endpoint: _endpoint, region: _region, accessKeyId: _keyId, ...library } = current.library;
  return { ...current, library };
}
