import { QuireError } from '../../../shared/errors';
import { CONVERSATIONS_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import type { Handlers } from '../rpc/dispatch';
import type { ChatService } from './chat-service';
import type { ConversationStore } from './conversation-store';
import { exportConversation } from './conversation-export';

type ChatHandlers = Pick<
  Handlers,
  | 'chat.send'
  | 'chat.stop'
  | 'chat.regenerate'
  | 'conversations.list'
  | 'conversations.get'
  | 'conversations.rename'
  | 'conversations.setScope'
  | 'conversations.delete'
  | 'conversations.export'
>;

export function createChatHandlers(
  chat: ChatService,
  store: ConversationStore,
  hub: StreamHub,
  /** A library document's name, for the export's pinned documents. */
  documentTitle: (documentId: string) => string | undefined = () => undefined,
): ChatHandlers {
  const requireConversation = (id: string) => {
    const conversation = store.getConversation(id);
    if (!conversation) throw new QuireError('not_found', 'That conversation no longer exists.');
    return conversation;
  };
  return {
    'chat.send': (args) => chat.send(args),
    'chat.stop': ({ messageId }) => ({ stopped: chat.stop(messageId) }),
    'chat.regenerate': ({ messageId, answerAnyway }) =>
      chat.regenerate(messageId, { answerAnyway }),
    'conversations.list': () => store.listConversations(),
    'conversations.get': ({ conversationId }) => ({
      conversation: requireConversation(conversationId),
      messages: store.listMessages(conversationId),
    }),
    'conversations.rename': ({ conversationId, title }) => {
      const { messageCount: _count, ...conversation } = requireConversation(conversationId);
      const updated = store.putConversation({ ...conversation, title, updatedAt: Date.now() });
      hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
      return updated;
    },
    'conversations.setScope': ({ conversationId, scope }) => chat.setScope(conversationId, scope),
    'conversations.export': ({ conversationId }) =>
      exportConversation(
        requireConversation(conversationId),
        store.listMessages(conversationId),
        documentTitle,
      ),
    'conversations.delete': ({ conversationId }) => {
      for (const message of store.listMessages(conversationId))
        if (message.status === 'streaming') chat.stop(message.id);
      const deleted = store.deleteConversation(conversationId);
      if (deleted) hub.emit(CONVERSATIONS_STREAM, 'conversation.deleted', { conversationId });
      return { deleted };
    },
  };
}

/** Late subscribers (a reload mid-answer, a second window) start from what is saved. */
export function registerChatSnapshots(hub: StreamHub, conversations: ConversationStore): void {
  hub.registerSnapshotProvider(
    'chat',
    (stream) => conversations.getMessage(stream.slice('chat:'.length)) ?? null,
  );
  hub.registerSnapshotProvider(CONVERSATIONS_STREAM, () => ({
    conversations: conversations.listConversations(),
  }));
}
