import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { LibrarySettings, Settings } from '../../../shared/settings';
import { call, request, type KeyProvider } from '../api/call';
import { hasUnsavedChanges, settingsDraftStore } from '../lib/settings-draft';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';
import { shouldRetry } from './use-conversations';

export function useSettings() {
  const transport = useTransport();
  return useQuery({
    queryKey: queryKeys.settings.current(),
    queryFn: () => request(transport, 'settings.get', {}),
    retry: shouldRetry,
  });
}

/**
 * Whether Settings holds edits not saved yet. While it does, closing or reloading the page
 * asks first: the browser's own prompt is the only one a page may show then.
 */
export function useUnsavedSettings(): boolean {
  const draft = useSyncExternalStore(settingsDraftStore.subscribe, settingsDraftStore.get);
  const saved = useSettings().data?.settings ?? null;
  const unsaved = hasUnsavedChanges(draft, saved);
  useEffect(() => {
    if (!unsaved) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [unsaved]);
  return unsaved;
}

/** Each action returns the Result, so the form can show errors beside its fields. */
export function useSettingsActions() {
  const transport = useTransport();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings.all() });
      // The offline flag in app.info follows the provider.
      void queryClient.invalidateQueries({ queryKey: queryKeys.app.info() });
    };
    const after = async <T>(promise: Promise<T>) => {
      const result = await promise;
      refresh();
      return result;
    };
    return {
      update: (settings: Settings) => after(call(transport, 'settings.update', { settings })),
      setApiKey: (provider: KeyProvider, key: string) =>
        after(call(transport, 'settings.setApiKey', { provider, key })),
      clearApiKey: (provider: KeyProvider) =>
        after(call(transport, 'settings.clearApiKey', { provider })),
      setLibrarySecret: (secret: string) =>
        after(call(transport, 'settings.setLibrarySecret', { secret })),
      clearLibrarySecret: () => after(call(transport, 'settings.clearLibrarySecret', {})),
      /** Checks a library location as typed (with a secret typed but not stored, if any). */
      checkLibrary: (library: LibrarySettings, secret?: string) =>
        call(transport, 'settings.checkLibrary', { library, ...(secret ? { secret } : {}) }),
      /** Tests the configuration as typed, before it is saved. */
      test: (provider: Settings['provider']) => call(transport, 'providers.test', { provider }),
    };
  }, [transport, queryClient]);
}
