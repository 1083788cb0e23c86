import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Settings } from '../../../shared/settings';
import { call, request, type KeyProvider } from '../api/call';
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
      /** Tests the configuration as typed, before it is saved. */
      test: (provider: Settings['provider']) => call(transport, 'providers.test', { provider }),
    };
  }, [transport, queryClient]);
}
