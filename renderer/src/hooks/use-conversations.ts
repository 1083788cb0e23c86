import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Conversation } from '../api/event-types';
import { CallError, call, request, type ConversationDetail } from '../api/call';
import { removeConversation, upsertConversation } from '../chat/conversation-reducer';
import type { ChatMessage } from '../chat/message-reducer';
import { useNotify } from './app-services';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/** Unknown methods and missing things will not appear by asking again. */
export function shouldRetry(count: number, error: unknown): boolean {
  if (error instanceof CallError) return error.retryable && count < 3;
  return count < 2;
}

export function useConversationList() {
  const transport = useTransport();
  return useQuery({
    queryKey: queryKeys.conversations.list(),
    queryFn: () => request(transport, 'conversations.list', {}),
    retry: shouldRetry,
  });
}

export function useConversation(conversationId: string | null) {
  const transport = useTransport();
  return useQuery({
    queryKey: queryKeys.conversations.detail(conversationId ?? '-'),
    queryFn: conversationId
      ? () => request(transport, 'conversations.get', { conversationId })
      : skipToken,
    retry: shouldRetry,
  });
}

/** The live state of a streaming message, fed by ChatStreams; undefined when not streamed here. */
export function useLiveMessage(messageId: string): ChatMessage | undefined {
  return useQuery<ChatMessage>({ queryKey: queryKeys.chat.live(messageId), queryFn: skipToken })
    .data;
}

/** Only the status of a live message: re-renders when it changes, not on every token. */
export function useLiveStatus(messageId: string): ChatMessage['status'] | undefined {
  return useQuery<ChatMessage, Error, ChatMessage['status']>({
    queryKey: queryKeys.chat.live(messageId),
    queryFn: skipToken,
    select: (m) => m.status,
  }).data;
}

export function useConversationActions() {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const notify = useNotify();
  return useMemo(
    () => ({
      rename: async (conversationId: string, title: string) => {
        const result = await call(transport, 'conversations.rename', { conversationId, title });
        if (!result.ok) {
          notify('error', result.error.message);
          return;
        }
        const conversation = result.value;
        queryClient.setQueryData<Conversation[]>(queryKeys.conversations.list(), (old) =>
          old ? upsertConversation(old, conversation) : old,
        );
        queryClient.setQueryData<ConversationDetail>(
          queryKeys.conversations.detail(conversationId),
          (old) => (old ? { ...old, conversation } : old),
        );
      },
      remove: async (conversationId: string) => {
        const result = await call(transport, 'conversations.delete', { conversationId });
        if (!result.ok) {
          notify('error', result.error.message);
          return false;
        }
        queryClient.setQueryData<Conversation[]>(queryKeys.conversations.list(), (old) =>
          old ? removeConversation(old, conversationId) : old,
        );
        queryClient.removeQueries({ queryKey: queryKeys.conversations.detail(conversationId) });
        return true;
      },
    }),
    [transport, queryClient, notify],
  );
}
