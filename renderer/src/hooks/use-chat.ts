import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ConversationScope } from '../../../shared/collections';
import type { SendResult } from '../../../shared/contract/chat';
import type { Conversation } from '../api/event-types';
import type { QuireErrorShape } from '../../../shared/errors';
import { call, type ConversationDetail } from '../api/call';
import {
  placeholderConversation,
  upsertConversation,
  upsertMessages,
} from '../chat/conversation-reducer';
import { pendingAssistant, pendingUser } from '../chat/message-reducer';
import { useChatStreams, useNotify } from './app-services';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

export type SendOutcome = { ok: true; value: SendResult } | { ok: false; error: QuireErrorShape };

/** Sending, stopping and regenerating; answers then arrive on their own streams. */
export function useChatActions() {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const chatStreams = useChatStreams();
  const notify = useNotify();

  return useMemo(() => {
    /** Puts the new messages into the cache at once, then follows the answer's stream. */
    const start = (sent: SendResult, question: string | null, documentId: string | null = null) => {
      const { conversationId, userMessageId, messageId } = sent;
      const now = Date.now();
      const detailKey = queryKeys.conversations.detail(conversationId);
      const old = queryClient.getQueryData<ConversationDetail>(detailKey);
      const listed = queryClient
        .getQueryData<Conversation[]>(queryKeys.conversations.list())
        ?.find((c) => c.id === conversationId);
      const conversation =
        old?.conversation ?? listed ?? placeholderConversation(conversationId, question ?? '', now);
      const {
        steps: _s,
        lastSeq: _l,
        gap: _g,
        ...assistant
      } = pendingAssistant(messageId, conversationId, now);
      const fresh =
        question !== null && !old?.messages.some((m) => m.id === userMessageId)
          ? [
              {
                ...pendingUser(userMessageId, conversationId, question, now),
                ...(documentId ? { documentId } : {}),
              },
              assistant,
            ]
          : [assistant];
      queryClient.setQueryData(detailKey, upsertMessages(old, conversation, fresh));
      if (!listed)
        queryClient.setQueryData<Conversation[]>(queryKeys.conversations.list(), (list) =>
          list ? upsertConversation(list, conversation) : list,
        );
      chatStreams.follow(messageId, conversationId);
    };

    return {
      /**
       * `scope` applies to a new conversation; an existing one keeps its own. With
       * `documentId`, the question is about that whole document.
       */
      send: async (
        text: string,
        conversationId: string | null,
        options: { scope?: ConversationScope; documentId?: string | null } = {},
      ): Promise<SendOutcome> => {
        const { scope, documentId = null } = options;
        const result = await call(transport, 'chat.send', {
          text,
          ...(conversationId ? { conversationId } : {}),
          ...(!conversationId && scope && scope.kind !== 'all' ? { scope } : {}),
          ...(documentId ? { documentId } : {}),
        });
        if (result.ok) start(result.value, text, documentId);
        return result;
      },
      stop: async (messageId: string) => {
        const result = await call(transport, 'chat.stop', { messageId });
        if (!result.ok) notify('error', result.error.message);
      },
      /** `answerAnyway` writes an answer even where the library does not cover the question. */
      regenerate: async (
        messageId: string,
        options: { answerAnyway?: boolean } = {},
      ): Promise<SendOutcome> => {
        const result = await call(transport, 'chat.regenerate', {
          messageId,
          ...(options.answerAnyway ? { answerAnyway: true } : {}),
        });
        if (result.ok) start(result.value, null);
        else notify('error', result.error.message);
        return result;
      },
    };
  }, [transport, queryClient, chatStreams, notify]);
}
