import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { Collection, ConversationScope } from '../../../shared/collections';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import type { Conversation } from '../api/event-types';
import { call, type ConversationDetail } from '../api/call';
import { upsertConversation } from '../chat/conversation-reducer';
import { plural } from '../library/format';
import { useNotify } from './app-services';
import { useLibrary } from './use-library';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

const NONE: Collection[] = [];

/** The collections, as the `library` stream keeps them (sorted by name). */
export function useCollections(): Collection[] {
  return useLibrary()?.collections ?? NONE;
}

const EVERYTHING: ConversationScope = { kind: 'all' };

/** The scope a new chat will start with; the library sets it for "Chat about these". */
export function useNewChatScope(): [ConversationScope, (scope: ConversationScope) => void] {
  const queryClient = useQueryClient();
  const scope = useQuery<ConversationScope>({
    queryKey: queryKeys.chat.newScope(),
    queryFn: skipToken,
  }).data;
  const set = useCallback(
    (next: ConversationScope) => queryClient.setQueryData(queryKeys.chat.newScope(), next),
    [queryClient],
  );
  return [scope ?? EVERYTHING, set];
}

/** Collection commands; their effects arrive as library events, errors as notices. */
export function useCollectionActions() {
  const transport = useTransport();
  const notify = useNotify();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const run = async <M extends MethodName>(
      method: M,
      args: MethodArgs<M>,
    ): Promise<MethodResult<M> | null> => {
      const result = await call(transport, method, args);
      if (result.ok) return result.value;
      notify('error', result.error.message);
      return null;
    };
    const members = async (
      method: 'collections.addDocuments' | 'collections.removeDocuments',
      collectionId: string,
      documentIds: string[],
    ) => {
      const result = await run(method, { collectionId, documentIds });
      if (result && documentIds.length > 1) {
        const verb = method === 'collections.addDocuments' ? 'Added' : 'Removed';
        const where = method === 'collections.addDocuments' ? 'to' : 'from';
        notify(
          'success',
          `${verb} ${plural(result.changed.length, 'document')} ${where} ${result.collection.name}.`,
        );
      }
      return result;
    };
    return {
      create: (name: string) => run('collections.create', { name }),
      rename: (collectionId: string, name: string) =>
        run('collections.rename', { collectionId, name }),
      remove: (collectionId: string) => run('collections.delete', { collectionId }),
      empty: (collectionId: string) => run('collections.empty', { collectionId }),
      addDocuments: (collectionId: string, documentIds: string[]) =>
        members('collections.addDocuments', collectionId, documentIds),
      removeDocuments: (collectionId: string, documentIds: string[]) =>
        members('collections.removeDocuments', collectionId, documentIds),
      /** What a conversation searches; the list and the open view update at once. */
      setScope: async (conversationId: string, scope: ConversationScope) => {
        const conversation = await run('conversations.setScope', { conversationId, scope });
        if (!conversation) return;
        queryClient.setQueryData<Conversation[]>(queryKeys.conversations.list(), (old) =>
          old ? upsertConversation(old, conversation) : old,
        );
        queryClient.setQueryData<ConversationDetail>(
          queryKeys.conversations.detail(conversationId),
          (old) => (old ? { ...old, conversation } : old),
        );
      },
    };
  }, [transport, notify, queryClient]);
}

export type CollectionActions = ReturnType<typeof useCollectionActions>;
