import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SYSTEM_STREAM } from '../../../shared/streams';
import {
  applyDownloadEvents,
  downloadsByKind,
  type DownloadsByKind,
} from '../components/settings/model-download-state';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/**
 * Live model downloads from the system stream, followed only while `active` (a download is
 * running or was just started): a browser allows six connections per host, and every window
 * of Quire already holds its library, conversations and chat streams. A download that ends
 * changes what is present and, for a chat model, which model is selected, so both queries are
 * refreshed.
 */
export function useDownloadStates(active: boolean): DownloadsByKind {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<DownloadsByKind>({});
  useEffect(() => {
    if (!active) return;
    return transport.follow(SYSTEM_STREAM, {
      onSnapshot: (result) => setLive(downloadsByKind(result.snapshot.downloads)),
      onEvent: (event) => {
        setLive((old) => applyDownloadEvents(old, [event]));
        if (event.type === 'model.download.progress' && event.data.state !== 'running') {
          void queryClient.invalidateQueries({ queryKey: queryKeys.models.all() });
          void queryClient.invalidateQueries({ queryKey: queryKeys.settings.all() });
          void queryClient.invalidateQueries({ queryKey: queryKeys.app.info() });
        }
      },
    });
  }, [active, transport, queryClient]);
  return live;
}
