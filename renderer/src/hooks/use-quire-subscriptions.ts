import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { LibrarySnapshot } from '../../../shared/documents';
import type { Conversation, StreamEvent } from '../api/event-types';
import { CONVERSATIONS_STREAM, LIBRARY_STREAM } from '../../../shared/streams';
import type { Transport } from '../../../shared/transport';
import type { ConversationDetail } from '../api/call';
import { removeConversation, upsertConversation } from '../chat/conversation-reducer';
import { createFrameBatcher, type Scheduler } from '../lib/frame-batcher';
import { applyLibraryEvents, emptyLibrary } from '../library/library-reducer';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/** A paged list refetches its pages in view at most this often while documents change. */
const PAGE_REFRESH_MS = 1_000;
const CHANGES_ROWS = new Set([
  'document.added',
  'document.removed',
  'document.ready',
  'document.failed',
  // Membership decides which rows a collection's pages hold.
  'collection.members',
  'collection.deleted',
]);

function followLibrary(transport: Transport, queryClient: QueryClient, schedule?: Scheduler) {
  const key = queryKeys.library.snapshot();
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  const refreshPages = () => {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      void queryClient.invalidateQueries({ queryKey: queryKeys.library.pages() });
    }, PAGE_REFRESH_MS);
  };
  const batcher = createFrameBatcher<StreamEvent>((events) => {
    const next = queryClient.setQueryData<LibrarySnapshot>(key, (old) =>
      applyLibraryEvents(old ?? emptyLibrary(), events),
    );
    // Rows the live list no longer holds are shown from pages: refresh those that moved.
    if (next && !next.complete && events.some((e) => CHANGES_ROWS.has(e.type))) refreshPages();
  }, schedule);
  const stop = transport.follow(LIBRARY_STREAM, {
    onSnapshot: (result) => {
      // The snapshot already contains whatever was queued before it.
      batcher.cancel();
      queryClient.setQueryData(key, result.snapshot);
      void queryClient.invalidateQueries({ queryKey: queryKeys.library.pages() });
    },
    onEvent: (event) => batcher.push(event),
  });
  return () => {
    batcher.cancel();
    if (refreshTimer) clearTimeout(refreshTimer);
    stop();
  };
}

function followConversations(transport: Transport, queryClient: QueryClient) {
  const listKey = queryKeys.conversations.list();
  return transport.follow(CONVERSATIONS_STREAM, {
    onSnapshot: (result) => queryClient.setQueryData(listKey, result.snapshot.conversations),
    onEvent: (event) => {
      if (event.type === 'conversation.updated') {
        const { conversation } = event.data;
        queryClient.setQueryData<Conversation[]>(listKey, (old) =>
          old ? upsertConversation(old, conversation) : old,
        );
        const detailKey = queryKeys.conversations.detail(conversation.id);
        const detail = queryClient.getQueryData<ConversationDetail>(detailKey);
        if (!detail) return;
        queryClient.setQueryData<ConversationDetail>(detailKey, { ...detail, conversation });
        // Another window asked something here: fetch the new messages.
        if (detail.messages.length !== conversation.messageCount)
          void queryClient.invalidateQueries({ queryKey: detailKey });
      } else if (event.type === 'conversation.deleted') {
        const { conversationId } = event.data;
        queryClient.setQueryData<Conversation[]>(listKey, (old) =>
          old ? removeConversation(old, conversationId) : old,
        );
        queryClient.removeQueries({ queryKey: queryKeys.conversations.detail(conversationId) });
      }
    },
  });
}

/** Subscribes to everything the whole app shares; returns one unsubscribe for all of it. */
export function subscribeApp(
  transport: Transport,
  queryClient: QueryClient,
  schedule?: Scheduler,
): () => void {
  const unsubscribers = [
    followLibrary(transport, queryClient, schedule),
    followConversations(transport, queryClient),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/**
 * The root hook: owns the app-wide subscriptions. Snapshots land in the query cache and
 * events advance it; reconnects resume from the last seen seq (the transport does that).
 */
export function useQuireSubscriptions(): void {
  const transport = useTransport();
  const queryClient = useQueryClient();
  useEffect(() => subscribeApp(transport, queryClient), [transport, queryClient]);
}
