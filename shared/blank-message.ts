import type { Message } from './contract/chat';

/** A message with nothing in it yet: the one shape both the core and the renderer start from. */
export function blankMessage(fields: {
  id: string;
  conversationId: string;
  role: Message['role'];
  text?: string;
  status: Message['status'];
  createdAt: number;
}): Message {
  return {
    id: fields.id,
    conversationId: fields.conversationId,
    role: fields.role,
    text: fields.text ?? '',
    status: fields.status,
    mode: null,
    sources: [],
    citations: [],
    finishReason: null,
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: fields.createdAt,
    updatedAt: fields.createdAt,
  };
}
