import type { StreamIdOf } from './stream-kinds';

/** Stream ids name a context: one chat message, one document, or the whole library. */
export const LIBRARY_STREAM = 'library';
export const CONVERSATIONS_STREAM = 'conversations';
export const SYSTEM_STREAM = 'system';

export const chatStream = (messageId: string): StreamIdOf<'chat'> => `chat:${messageId}`;
export const documentStream = (documentId: string): StreamIdOf<'doc'> => `doc:${documentId}`;

const STREAM_ID =
  /^(library|conversations|system|chat:[A-Za-z0-9_-]{1,64}|doc:[A-Za-z0-9_-]{1,64})$/;

export function isValidStreamId(stream: string): boolean {
  return STREAM_ID.test(stream);
}
