import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { ConversationStore } from './conversation-store';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(() => remove());

const message = (
  id: string,
  status: 'complete' | 'streaming',
  text: string,
  createdAt: number,
) => ({
  id,
  conversationId: 'c1',
  role: (id.startsWith('u') ? 'user' : 'assistant') as 'user' | 'assistant',
  text,
  status,
  mode: null,
  sources: [],
  citations: [],
  finishReason: null,
  error: null,
  provider: null,
  model: null,
  usage: null,
  timings: null,
  createdAt,
  updatedAt: createdAt,
});

it('keeps conversations across restarts and marks an answer cut off by a crash as interrupted', () => {
  const first = new ConversationStore(dir);
  first.putConversation({ id: 'c1', title: 'Pumps', createdAt: 1, updatedAt: 1 });
  first.putMessage(message('u1', 'complete', 'How do pumps work?', 1));
  first.putMessage(message('a1', 'streaming', 'Pumps move', 2));
  first.putMessage(message('a1', 'streaming', 'Pumps move fluid by', 2)); // a checkpoint
  // The process dies here: no close().
  const second = new ConversationStore(dir);
  expect(second.listConversations()).toMatchObject([{ id: 'c1', title: 'Pumps', messageCount: 2 }]);
  const [question, answer] = second.listMessages('c1');
  expect(question).toMatchObject({ id: 'u1', status: 'complete' });
  expect(answer).toMatchObject({
    id: 'a1',
    status: 'interrupted',
    finishReason: 'interrupted',
    text: 'Pumps move fluid by',
  });
  expect(second.deleteConversation('c1')).toBe(true);
  second.close();
  expect(new ConversationStore(dir).listConversations()).toEqual([]);
});

it('keeps the prompt sent for each question across restarts and compaction, and forgets it with the conversation', () => {
  const first = new ConversationStore(dir);
  first.putConversation({ id: 'c1', title: 'Pumps', createdAt: 1, updatedAt: 1 });
  const question = first.putMessage(message('u1', 'complete', 'How do pumps work?', 1));
  const sent =
    'Sources:\n\n[1] Pumps.pdf, page 2\nPumps move fluid.\n\nQuestion: How do pumps work?';
  first.putSentPrompt(question, 'an earlier prompt, replaced by a regenerate');
  first.putSentPrompt(question, sent);
  expect(first.sentPrompt(question)).toBe(sent);
  expect(first.sentPrompt({ id: 'u2', conversationId: 'c1' })).toBeUndefined();
  first.close();

  const second = new ConversationStore(dir); // loading compacts the journal
  expect(second.sentPrompt(question)).toBe(sent);
  second.close();
  const third = new ConversationStore(dir);
  expect(third.sentPrompt(question)).toBe(sent);
  // The message itself, which goes to the renderer, does not carry it.
  expect(JSON.stringify(third.listMessages('c1'))).not.toContain('Pumps move fluid');
  third.deleteConversation('c1');
  third.close();
  expect(new ConversationStore(dir).sentPrompt(question)).toBeUndefined();
});
