import { CONVERSATIONS_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import { principalOf, type Handlers, type HandlerContext } from '../rpc/dispatch';
import type { ChatService } from './chat-service';
import type { ConversationStore } from './conversation-store';
import { exportConversation } from './conversation-export';
import {
  belongsTo,
  checkOwnMessage,
  ownConversation,
  ownerKey,
  registerConversationAudiences,
} from './conversation-privacy';

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
  // Each caller sees and acts on their own conversations only (conversation-privacy.ts).
  const owner = (ctx: HandlerContext) => ownerKey(principalOf(ctx));
  const requireConversation = (id: string, ctx: HandlerContext) =>
    ownConversation(store, id, owner(ctx));
  return {
    'chat.send': (args, ctx) => chat.send({ ...args, owner: owner(ctx) }),
    'chat.stop': ({ messageId }, ctx) => {
      checkOwnMessage(store, messageId, owner(ctx));
      return { stopped: chat.stop(messageId) };
    },
    'chat.regenerate': ({ messageId, answerAnyway }, ctx) =>
      chat.regenerate(messageId, { answerAnyway, owner: owner(ctx) }),
    'conversations.list': (_args, ctx) =>
      store.listConversations().filter((c) => belongsTo(c, owner(ctx))),
    'conversations.get': ({ conversationId }, ctx) => ({
      conversation: requireConversation(conversationId, ctx),
      messages: store.listMessages(conversationId),
    }),
    'conversations.rename': ({ conversationId, title }, ctx) => {
      const { messageCount: _count, ...conversation } = requireConversation(conversationId, ctx);
      const updated = store.putConversation({ ...conversation, title, updatedAt: Date.now() });
      hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
      return updated;
    },
    'conversations.setScope': ({ conversationId, scope }, ctx) =>
      chat.setScope(conversationId, scope, owner(ctx)),
    'conversations.export': ({ conversationId }, ctx) =>
      exportConversation(
        requireConversation(conversationId, ctx),
        store.listMessages(conversationId),
        documentTitle,
      ),
    'conversations.delete': ({ conversationId }, ctx) => {
      const conversation = store.getConversation(conversationId);
      // Someone else's conversation is as good as absent: nothing is deleted.
      if (!conversation || !belongsTo(conversation, owner(ctx))) return { deleted: false };
      for (const message of store.listMessages(conversationId))
        if (message.status === 'streaming') chat.stop(message.id);
      const deleted = store.deleteConversation(conversationId);
      if (deleted)
        hub.emit(CONVERSATIONS_STREAM, 'conversation.deleted', {
          conversationId,
          ...(conversation.owner !== undefined ? { owner: conversation.owner } : {}),
        });
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
  registerConversationAudiences(hub, conversations);
}
