import path from 'node:path';
import type { Message } from '../../../shared/contract/chat';
import type { Conversation } from '../../../shared/events';
import { Journal } from '../journal/journal';

type Record_ =
  | { t: 'conv'; conv: Omit<Conversation, 'messageCount'> }
  | { t: 'msg'; msg: Message }
  | { t: 'prompt'; conversationId: string; messageId: string; prompt: string }
  | { t: 'delconv'; id: string };

/**
 * Conversations and messages, durable. Every write is journaled before the call returns;
 * a message still "streaming" when the store opens was cut off by a crash and becomes
 * "interrupted", keeping its last checkpointed text.
 *
 * Each question also keeps the exact user turn the model was sent for it (question plus its
 * numbered sources), so a follow-up can replay the conversation byte for byte and a
 * provider that caches the prompt (llama.cpp's KV cache) continues instead of starting over.
 * It stays in core: the renderer never needs the sources' full text twice.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, Omit<Conversation, 'messageCount'>>();
  private readonly messages = new Map<string, Map<string, Message>>();
  /** conversation id → user message id → the user turn as sent. */
  private readonly sentPrompts = new Map<string, Map<string, string>>();
  private readonly journal: Journal<Record_>;

  /** `readOnly`: a reader beside the app (quire export) must not compact the app's journal. */
  constructor(dataDir: string, options: { readOnly?: boolean } = {}) {
    this.journal = new Journal<Record_>(path.join(dataDir, 'chat', 'conversations.jsonl'), 2_000);
    for (const record of this.journal.load()) {
      if (record.t === 'conv') this.conversations.set(record.conv.id, record.conv);
      else if (record.t === 'msg')
        this.messagesOf(record.msg.conversationId).set(record.msg.id, record.msg);
      else if (record.t === 'prompt')
        this.promptsOf(record.conversationId).set(record.messageId, record.prompt);
      else this.forget(record.id);
    }
    for (const list of this.messages.values()) {
      for (const msg of list.values()) {
        if (msg.status === 'streaming')
          list.set(msg.id, {
            ...msg,
            status: 'interrupted',
            finishReason: 'interrupted',
            updatedAt: Date.now(),
          });
      }
    }
    if (!options.readOnly) this.compact();
  }

  listConversations(): Conversation[] {
    return [...this.conversations.values()]
      .map((c) => this.withCount(c))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  getConversation(id: string): Conversation | undefined {
    const conv = this.conversations.get(id);
    return conv ? this.withCount(conv) : undefined;
  }

  putConversation(conv: Omit<Conversation, 'messageCount'>): Conversation {
    this.conversations.set(conv.id, conv);
    this.append({ t: 'conv', conv });
    return this.withCount(conv);
  }

  deleteConversation(id: string): boolean {
    if (!this.conversations.has(id)) return false;
    this.forget(id);
    this.append({ t: 'delconv', id });
    return true;
  }

  /** Messages in the order they were created. */
  listMessages(conversationId: string): Message[] {
    return [...(this.messages.get(conversationId)?.values() ?? [])].sort(
      (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
    );
  }

  getMessage(id: string): Message | undefined {
    for (const list of this.messages.values()) {
      const msg = list.get(id);
      if (msg) return msg;
    }
    return undefined;
  }

  putMessage(msg: Message): Message {
    this.messagesOf(msg.conversationId).set(msg.id, msg);
    this.append({ t: 'msg', msg });
    return msg;
  }

  /** Records the user turn exactly as the model received it for this question. */
  putSentPrompt(question: Pick<Message, 'id' | 'conversationId'>, prompt: string): void {
    if (this.promptsOf(question.conversationId).get(question.id) === prompt) return;
    this.promptsOf(question.conversationId).set(question.id, prompt);
    this.append({
      t: 'prompt',
      conversationId: question.conversationId,
      messageId: question.id,
      prompt,
    });
  }

  /** The user turn last sent for this question, if it was ever sent to a model. */
  sentPrompt(question: Pick<Message, 'id' | 'conversationId'>): string | undefined {
    return this.sentPrompts.get(question.conversationId)?.get(question.id);
  }

  close(): void {
    this.journal.close();
  }

  private append(record: Record_) {
    this.journal.append(record);
    if (this.journal.needsCompaction()) this.compact();
  }

  private compact() {
    const records: Record_[] = [];
    for (const conv of this.conversations.values()) {
      records.push({ t: 'conv', conv });
      for (const msg of this.listMessages(conv.id)) {
        records.push({ t: 'msg', msg });
        const prompt = this.sentPrompt(msg);
        if (prompt !== undefined)
          records.push({ t: 'prompt', conversationId: conv.id, messageId: msg.id, prompt });
      }
    }
    this.journal.compact(records);
  }

  private forget(conversationId: string) {
    this.conversations.delete(conversationId);
    this.messages.delete(conversationId);
    this.sentPrompts.delete(conversationId);
  }

  private promptsOf(conversationId: string): Map<string, string> {
    let prompts = this.sentPrompts.get(conversationId);
    if (!prompts) this.sentPrompts.set(conversationId, (prompts = new Map()));
    return prompts;
  }

  private messagesOf(conversationId: string): Map<string, Message> {
    let list = this.messages.get(conversationId);
    if (!list) this.messages.set(conversationId, (list = new Map()));
    return list;
  }

  private withCount(conv: Omit<Conversation, 'messageCount'>): Conversation {
    return { ...conv, messageCount: this.messages.get(conv.id)?.size ?? 0 };
  }
}
