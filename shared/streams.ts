import type { StreamIdOf } from './stream-kinds';

/** Stream ids name a context: one chat message, one document, or the whole library. */
export const LIBRARY_STREAM = 'library';
export const CONVERSATIONS_STREAM = 'conversations';
export const SYSTEM_STREAM = 'system';

export const chatStream = (messageId: string): StreamIdOf<'chat'> => `chat:${messageId}`;
export const documentStream = (documentId: string): StreamIdOf<'doc'> => `doc:${documentId}`;

export { isValidStreamId } from './stream-kinds';
