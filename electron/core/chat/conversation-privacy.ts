// On a team server each person's conversations are theirs alone. A conversation records its
// owner's name (absent: the owner of the Quire, as every conversation of the desktop app and
// every one saved before team servers existed). Someone else's conversation is "not found",
// never "forbidden", so its id says nothing.
import type { Principal } from '../../../shared/contract/access';
import { QuireError } from '../../../shared/errors';
import type { Conversation, StreamEvent } from '../../../shared/events';
import { CONVERSATIONS_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import type { ConversationStore } from './conversation-store';

/** What a principal's conversations carry in `owner`: nothing for the Quire's owner. */
export function ownerKey(principal: Principal): string | undefined {
  return principal.role === 'owner' ? undefined : principal.name;
}

export function belongsTo(conversation: Pick<Conversation, 'owner'>, owner: string | undefined) {
  return (conversation.owner ?? undefined) === owner;
}

/** The conversation, if it is this owner's; otherwise the same error as a deleted one. */
export function ownConversation(
  store: ConversationStore,
  conversationId: string,
  owner: string | undefined,
): Conversation {
  const conversation = store.getConversation(conversationId);
  if (!conversation || !belongsTo(conversation, owner))
    throw new QuireError('not_found', 'That conversation no longer exists.');
  return conversation;
}

/** A message in someone else's conversation is "not found"; an unknown one is left to the caller. */
export function checkOwnMessage(
  store: ConversationStore,
  messageId: string,
  owner: string | undefined,
): void {
  const message = store.getMessage(messageId);
  const conversation = message && store.getConversation(message.conversationId);
  if (message && (!conversation || !belongsTo(conversation, owner)))
    throw new QuireError('not_found', 'There is no message with that id.');
}

/** The conversations list and its events, and answers' streams, reach only their owner. */
export function registerConversationAudiences(hub: StreamHub, store: ConversationStore): void {
  hub.registerAudience(CONVERSATIONS_STREAM, (_stream, principal) => {
    const owner = ownerKey(principal);
    return {
      snapshot: (snapshot) => {
        const { conversations } = snapshot as { conversations: Conversation[] };
        return { conversations: conversations.filter((c) => belongsTo(c, owner)) };
      },
      event: (event: StreamEvent) => {
        if (event.type === 'conversation.updated') return belongsTo(event.data.conversation, owner);
        if (event.type === 'conversation.deleted') return belongsTo(event.data, owner);
        return true;
      },
    };
  });
  hub.registerAudience('chat', (stream, principal) => {
    const message = store.getMessage(stream.slice('chat:'.length));
    // A message gone with its conversation: the owner may still read what its stream kept.
    if (!message) return principal.role === 'owner' ? {} : null;
    const conversation = store.getConversation(message.conversationId);
    return conversation && belongsTo(conversation, ownerKey(principal)) ? {} : null;
  });
}
