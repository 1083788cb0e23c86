import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SYSTEM_STREAM } from '../../../shared/streams';
import {
  applyDownloadEvents,
  downloadsFromSnapshot,
  type DownloadsByKind,
} from '../components/settings/model-download-state';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/**
 * Live model downloads from the system stream. A download that ends changes what is present
 * and, for a chat model, which model is selected, so both queries are refreshed.
 */
export function useDownloadStates(): DownloadsByKind {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<DownloadsByKind>({});
  useEffect(
    () =>
      transport.follow(SYSTEM_STREAM, {
        onSnapshot: (result) => setLive(downloadsFromSnapshot(result.snapshot)),
        onEvent: (event) => {
          setLive((old) => applyDownloadEvents(old, [event]));
          if (event.type === 'model.download.progress' && event.data.state !== 'running') {
            void queryClient.invalidateQueries({ queryKey: queryKeys.models.all() });
            void queryClient.invalidateQueries({ queryKey: queryKeys.settings.all() });
            void queryClient.invalidateQueries({ queryKey: queryKeys.app.info() });
          }
        },
      }),
    [transport, queryClient],
  );
  return live;
}
