import { z } from 'zod';
import { ConversationScopeSchema } from '../collections';
import { ConversationSchema } from '../events';
import { MessageSchema } from '../messages';
import type { StreamIdOf } from '../stream-kinds';
import { method } from './define';

const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not an id');

export { MessageSchema, type Message } from '../messages';

const SendResultSchema = z.object({
  conversationId: z.string(),
  userMessageId: z.string(),
  messageId: z.string(),
  /** The assistant message's event stream: `chat:<messageId>`. */
  stream: z.custom<StreamIdOf<'chat'>>(
    (value) => typeof value === 'string' && /^chat:[A-Za-z0-9_-]{1,64}$/.test(value),
    'Not a chat stream',
  ),
});
export type SendResult = z.infer<typeof SendResultSchema>;

export const chatMethods = {
  'chat.send': method({
    summary: 'Ask a question; returns at once with the stream the answer arrives on.',
    args: z
      .object({
        conversationId: IdSchema.optional(),
        text: z.string().trim().min(1).max(20_000),
        /** For a new conversation: what it searches (default everything). */
        scope: ConversationScopeSchema.optional(),
        /** Answer from the whole of this document (every page), not from a search. */
        documentId: IdSchema.optional(),
        /** Write an answer even where the library does not seem to cover the question. */
        answerAnyway: z.boolean().optional(),
      })
      .strict(),
    result: SendResultSchema,
  }),
  'chat.stop': method({
    summary: 'Stop an answer being generated; the partial answer is kept.',
    args: z.object({ messageId: IdSchema }).strict(),
    result: z.object({ stopped: z.boolean() }),
  }),
  'chat.regenerate': method({
    summary:
      'Answer the question behind an assistant message again, as a new message. `answerAnyway` writes an answer even where the library does not cover the question.',
    args: z.object({ messageId: IdSchema, answerAnyway: z.boolean().optional() }).strict(),
    result: SendResultSchema,
  }),
  'conversations.list': method({
    summary: 'All conversations, newest first.',
    args: z.object({}).strict(),
    result: z.array(ConversationSchema),
  }),
  'conversations.get': method({
    summary: 'One conversation with its messages.',
    args: z.object({ conversationId: IdSchema }).strict(),
    result: z.object({ conversation: ConversationSchema, messages: z.array(MessageSchema) }),
  }),
  'conversations.rename': method({
    summary: 'Rename a conversation.',
    args: z.object({ conversationId: IdSchema, title: z.string().trim().min(1).max(200) }).strict(),
    result: ConversationSchema,
  }),
  'conversations.setScope': method({
    summary: 'Choose what a conversation searches: everything, a collection, or chosen documents.',
    args: z.object({ conversationId: IdSchema, scope: ConversationScopeSchema }).strict(),
    result: ConversationSchema,
  }),
  'conversations.export': method({
    summary:
      'A conversation as Markdown, its citations as footnotes (document, page, quoted passage).',
    args: z.object({ conversationId: IdSchema }).strict(),
    result: z.object({ markdown: z.string(), fileName: z.string() }),
  }),
  'conversations.pin': method({
    summary:
      "Pin a document into a conversation: its text is in every prompt, as far as the model's context allows. Without a conversation id, a new conversation is started.",
    args: z.object({ conversationId: IdSchema.optional(), documentId: IdSchema }).strict(),
    result: ConversationSchema,
  }),
  'conversations.unpin': method({
    summary: 'Unpin a document from a conversation.',
    args: z.object({ conversationId: IdSchema, documentId: IdSchema }).strict(),
    result: ConversationSchema,
  }),
  'conversations.delete': method({
    summary: 'Delete a conversation and its messages.',
    args: z.object({ conversationId: IdSchema }).strict(),
    result: z.object({ deleted: z.boolean() }),
  }),
};
