import type { Message } from '../../../shared/contract/chat';
import type { Conversation } from '../api/event-types';
import type { ConversationDetail } from '../api/call';

/** Newest first, like `conversations.list`. */
export function upsertConversation(
  list: readonly Conversation[] | undefined,
  conversation: Conversation,
): Conversation[] {
  const rest = (list ?? []).filter((c) => c.id !== conversation.id);
  const at = rest.findIndex((c) => c.updatedAt <= conversation.updatedAt);
  if (at < 0) return [...rest, conversation];
  return [...rest.slice(0, at), conversation, ...rest.slice(at)];
}

export function removeConversation(
  list: readonly Conversation[] | undefined,
  conversationId: string,
): Conversation[] {
  return (list ?? []).filter((c) => c.id !== conversationId);
}

export function filterConversations(
  list: readonly Conversation[],
  query: string,
): readonly Conversation[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return list;
  return list.filter((c) => c.title.toLocaleLowerCase().includes(q));
}

/** Adds or replaces messages by id, keeping order; untouched messages keep identity. */
export function upsertMessages(
  detail: ConversationDetail | undefined,
  conversation: Conversation,
  messages: readonly Message[],
): ConversationDetail {
  const current = detail?.messages ?? [];
  const byId = new Map(messages.map((m) => [m.id, m]));
  const next = current.map((m) => byId.get(m.id) ?? m);
  const known = new Set(current.map((m) => m.id));
  for (const m of messages) if (!known.has(m.id)) next.push(m);
  return { conversation: detail?.conversation ?? conversation, messages: next };
}

export function placeholderConversation(id: string, text: string, now = Date.now()): Conversation {
  const title = text.trim().replace(/\s+/g, ' ');
  return {
    id,
    title: title.length > 60 ? `${title.slice(0, 57)}…` : title || 'New chat',
    createdAt: now,
    updatedAt: now,
    messageCount: 0,
  };
}
