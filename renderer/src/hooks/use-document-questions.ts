import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Conversation } from '../api/event-types';
import { call, type ConversationDetail } from '../api/call';
import { upsertConversation } from '../chat/conversation-reducer';
import { useNotify } from './app-services';
import { queryKeys } from './query-keys';
import { navigate } from './use-route';
import { useTransport } from './transport-context';

/** Asking about a whole document, and pinning documents into a conversation. */
export function useDocumentQuestions() {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const notify = useNotify();
  return useMemo(() => {
    const remember = (conversation: Conversation) => {
      queryClient.setQueryData<Conversation[]>(queryKeys.conversations.list(), (old) =>
        old ? upsertConversation(old, conversation) : old,
      );
      queryClient.setQueryData<ConversationDetail>(
        queryKeys.conversations.detail(conversation.id),
        (old) => (old ? { ...old, conversation } : old),
      );
    };
    return {
      /** Opens a new chat whose question is about the whole of this document. */
      askAbout: (documentId: string) =>
        navigate({ view: 'chat', conversationId: null, aboutDocumentId: documentId }),
      /** Pins into the conversation, or into a new one (then shown) without one. */
      pin: async (
        documentId: string,
        conversationId: string | null,
      ): Promise<Conversation | null> => {
        const result = await call(transport, 'conversations.pin', {
          documentId,
          ...(conversationId ? { conversationId } : {}),
        });
        if (!result.ok) {
          notify('error', result.error.message);
          return null;
        }
        remember(result.value);
        if (!conversationId) navigate({ view: 'chat', conversationId: result.value.id });
        return result.value;
      },
      unpin: async (documentId: string, conversationId: string) => {
        const result = await call(transport, 'conversations.unpin', { documentId, conversationId });
        if (!result.ok) return notify('error', result.error.message);
        remember(result.value);
      },
    };
  }, [transport, queryClient, notify]);
}
