import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/event-types';
import {
  filterConversations,
  placeholderConversation,
  removeConversation,
  upsertConversation,
  upsertMessages,
} from './conversation-reducer';
import { pendingUser } from './message-reducer';

const conv = (id: string, updatedAt: number, title = id): Conversation => ({
  id,
  title,
  createdAt: 0,
  updatedAt,
  messageCount: 2,
});

describe('conversation reducer', () => {
  it('upserts newest first and replaces by id', () => {
    let list = upsertConversation(undefined, conv('a', 1));
    list = upsertConversation(list, conv('b', 5));
    list = upsertConversation(list, conv('c', 3));
    expect(list.map((c) => c.id)).toEqual(['b', 'c', 'a']);
    list = upsertConversation(list, conv('a', 9, 'Renamed'));
    expect(list.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(list[0]?.title).toBe('Renamed');
    expect(removeConversation(list, 'b').map((c) => c.id)).toEqual(['a', 'c']);
  });

  it('filters by title, case-insensitively', () => {
    const list = [conv('a', 1, 'Tax forms'), conv('b', 1, 'Geology')];
    expect(filterConversations(list, 'TAX').map((c) => c.id)).toEqual(['a']);
    expect(filterConversations(list, ' ')).toBe(list);
  });

  it('upserts messages in order and keeps identity of the others', () => {
    const c = placeholderConversation('c1', 'What is in the paper?');
    const u1 = pendingUser('u1', 'c1', 'hi', 0);
    const a1 = { ...pendingUser('a1', 'c1', '', 0), role: 'assistant' as const };
    const d1 = upsertMessages(undefined, c, [u1, a1]);
    const a1b = { ...a1, text: 'done' };
    const d2 = upsertMessages(d1, c, [a1b]);
    expect(d2.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(d2.messages[0]).toBe(u1);
    expect(d2.messages[1]?.text).toBe('done');
    expect(c.title).toBe('What is in the paper?');
  });
});
