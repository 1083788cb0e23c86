import { blankMessage } from '../../../shared/blank-message';
import type { ConversationScope } from '../../../shared/collections';
import type { Conversation } from '../../../shared/events';
import type { Message, SendResult } from '../../../shared/contract/chat';
import { QuireError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { CONVERSATIONS_STREAM } from '../../../shared/streams';
import { runAnswer } from './chat-pipeline';
import { checkOwnMessage, ownConversation } from './conversation-privacy';
import { MessageWriter } from './message-writer';
import type { ChatDeps } from './chat-types';

type Running = { controller: AbortController };

/** Questions and answers: each answer runs the staged pipeline (chat-pipeline) as one message. */
export class ChatService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: ChatDeps) {}

  /** With `documentId`, the question is about that whole document (see whole-document.ts). */
  async send(input: {
    conversationId?: string;
    text: string;
    scope?: ConversationScope;
    documentId?: string;
    /** Write an answer even where the library does not seem to cover the question. */
    answerAnyway?: boolean;
    /** The team-server user asking (conversation-privacy.ts); absent: the Quire's owner. */
    owner?: string;
  }): Promise<SendResult> {
    const now = Date.now();
    if (input.scope) this.deps.checkScope?.(input.scope);
    let conversation = input.conversationId
      ? ownConversation(this.deps.store, input.conversationId, input.owner)
      : undefined;
    if (!conversation) {
      conversation = this.deps.store.putConversation({
        id: newId('c'),
        title: titleFrom(input.text),
        createdAt: now,
        updatedAt: now,
        ...(input.scope && input.scope.kind !== 'all' ? { scope: input.scope } : {}),
        ...(input.owner !== undefined ? { owner: input.owner } : {}),
      });
    }
    const user = this.deps.store.putMessage({
      ...newMessage(conversation.id, 'user', input.text, 'complete'),
      ...(input.documentId !== undefined ? { documentId: input.documentId } : {}),
    });
    return this.answer(conversation.id, user, false, input.answerAnyway ?? false);
  }

  /** `answerAnyway`: write an answer even where the library does not cover the question. */
  async regenerate(
    messageId: string,
    options: { answerAnyway?: boolean; owner?: string } = {},
  ): Promise<SendResult> {
    checkOwnMessage(this.deps.store, messageId, options.owner);
    const target = this.deps.store.getMessage(messageId);
    if (!target || target.role !== 'assistant')
      throw new QuireError('not_found', 'There is no answer with that id to regenerate.');
    const messages = this.deps.store.listMessages(target.conversationId);
    const index = messages.findIndex((m) => m.id === messageId);
    const question = messages
      .slice(0, index)
      .reverse()
      .find((m) => m.role === 'user');
    if (!question) throw new QuireError('not_found', 'The question for this answer is gone.');
    return this.answer(target.conversationId, question, true, options.answerAnyway ?? false);
  }

  /** What the conversation's next questions search; every window hears of it. */
  setScope(conversationId: string, scope: ConversationScope, owner?: string): Conversation {
    this.deps.checkScope?.(scope);
    const conversation = ownConversation(this.deps.store, conversationId, owner);
    const { messageCount: _count, scope: _old, ...rest } = conversation;
    const updated = this.deps.store.putConversation({
      ...rest,
      ...(scope.kind === 'all' ? {} : { scope }),
      updatedAt: Date.now(),
    });
    this.deps.hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
    return updated;
  }

  stop(messageId: string): boolean {
    const run = this.running.get(messageId);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  async stopAll(): Promise<void> {
    for (const run of this.running.values()) run.controller.abort();
  }

  private async answer(
    conversationId: string,
    question: Message,
    regenerate: boolean,
    answerAnyway = false,
  ): Promise<SendResult> {
    const assistant = this.deps.store.putMessage(
      newMessage(conversationId, 'assistant', '', 'streaming'),
    );
    this.touchConversation(conversationId);
    const controller = new AbortController();
    this.running.set(assistant.id, { controller });
    const writer = new MessageWriter(this.deps.hub, this.deps.store, assistant);
    void runAnswer(this.deps, writer, question, {
      signal: controller.signal,
      regenerate,
      answerAnyway,
    }).finally(() => {
      this.running.delete(assistant.id);
      this.deps.hub.finish(writer.stream);
      this.touchConversation(conversationId);
    });
    return {
      conversationId,
      userMessageId: question.id,
      messageId: assistant.id,
      stream: writer.stream,
    };
  }

  /** An empty conversation, e.g. to pin a document into before the first question. */
  startConversation(title: string, owner?: string) {
    const now = Date.now();
    const conversation = this.deps.store.putConversation({
      id: newId('c'),
      title,
      createdAt: now,
      updatedAt: now,
      ...(owner !== undefined ? { owner } : {}),
    });
    this.deps.hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation });
    return conversation;
  }

  private touchConversation(conversationId: string) {
    const conv = this.deps.store.getConversation(conversationId);
    if (!conv) return;
    const { messageCount: _count, ...rest } = conv;
    const updated = this.deps.store.putConversation({ ...rest, updatedAt: Date.now() });
    this.deps.hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
  }
}

function titleFrom(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 59).replace(/\s+\S*$/, '')}…`;
}

let lastCreatedAt = 0;

function newMessage(
  conversationId: string,
  role: Message['role'],
  text: string,
  status: Message['status'],
): Message {
  // Strictly increasing, so a question and its answer created in one millisecond keep their order.
  const now = (lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1));
  return blankMessage({ id: newId('m'), conversationId, role, text, status, createdAt: now });
}
