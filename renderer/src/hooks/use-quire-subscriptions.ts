import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { CONVERSATIONS_STREAM, LIBRARY_STREAM } from '../../../shared/streams';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

export type StreamState = { snapshot: unknown; lastSeq: number; events: number };

/**
 * The root hook: owns the app-wide subscriptions. Each snapshot lands in the query
 * cache; each event advances it. Reconnects resume from the last seen seq.
 */
export function useQuireSubscriptions(): void {
  const transport = useTransport();
  const queryClient = useQueryClient();

  useEffect(() => {
    const unsubscribers = [
      transport.follow(LIBRARY_STREAM, {
        onSnapshot: (result) =>
          queryClient.setQueryData<StreamState>(queryKeys.library.snapshot(), {
            snapshot: result.snapshot,
            lastSeq: result.lastSeq,
            events: 0,
          }),
        onEvent: (event) =>
          queryClient.setQueryData<StreamState>(queryKeys.library.snapshot(), (old) => ({
            snapshot: old?.snapshot ?? null,
            lastSeq: event.seq,
            events: (old?.events ?? 0) + 1,
          })),
      }),
      transport.follow(CONVERSATIONS_STREAM, {
        onSnapshot: () =>
          void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all() }),
        onEvent: () =>
          void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all() }),
      }),
    ];
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, [transport, queryClient]);
}
