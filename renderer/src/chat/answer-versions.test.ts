import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import { groupTurns, panelTarget, shownVersion, shownVersionIndex } from './answer-versions';

function message(id: string, role: Message['role'], status: Message['status'] = 'complete') {
  return {
    id,
    conversationId: 'c1',
    role,
    text: `text of ${id}`,
    status,
    mode: role === 'assistant' ? 'answer' : null,
    sources: [],
    citations: [],
    finishReason: null,
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: 0,
    updatedAt: 0,
  } satisfies Message;
}

const q1 = message('q1', 'user');
const a1 = message('a1', 'assistant');
const a1b = message('a1b', 'assistant');
const q2 = message('q2', 'user');
const a2 = message('a2', 'assistant');

describe('groupTurns', () => {
  it('makes consecutive answers to one question versions of one turn', () => {
    const turns = groupTurns([q1, a1, a1b, q2, a2]);
    expect(turns.map((t) => [t.key, t.question?.id, t.versions.map((m) => m.id)])).toEqual([
      ['q1', 'q1', ['a1', 'a1b']],
      ['q2', 'q2', ['a2']],
    ]);
  });

  it('keeps a question still waiting for its answer, and an answer with no question', () => {
    const turns = groupTurns([a1, q2]);
    expect(turns.map((t) => [t.key, t.question?.id ?? null, t.versions.length])).toEqual([
      ['a1', null, 1],
      ['q2', 'q2', 0],
    ]);
  });
});

describe('shownVersion', () => {
  const [turn] = groupTurns([q1, a1, a1b]);

  it('shows the latest version by default', () => {
    expect(shownVersion(turn!, undefined)?.id).toBe('a1b');
  });

  it('shows the version the reader picked', () => {
    expect(shownVersion(turn!, { index: 0, count: 2 })?.id).toBe('a1');
  });

  it('shows a new version at once, even after the reader picked an older one', () => {
    const [grown] = groupTurns([q1, a1, a1b, message('a1c', 'assistant', 'streaming')]);
    expect(shownVersionIndex(grown!, { index: 0, count: 2 })).toBe(2);
  });
});

describe('panelTarget', () => {
  it('follows the version shown', () => {
    const turns = groupTurns([q1, a1, a1b]);
    const panel = { messageId: 'a1b', n: 2 };
    expect(panelTarget(turns, {}, panel, null)).toBe(panel);
    expect(panelTarget(turns, { q1: { index: 0, count: 2 } }, panel, null)).toEqual({
      messageId: 'a1',
      n: null,
    });
  });

  it('shows the streaming answer to a new question, not the previous answer', () => {
    const streaming = message('a2', 'assistant', 'streaming');
    const turns = groupTurns([q1, a1, q2, streaming]);
    expect(panelTarget(turns, {}, { messageId: 'a1', n: 1 }, 'a2')).toEqual({
      messageId: 'a2',
      n: null,
    });
  });

  it('shows a regenerated answer while it streams', () => {
    const turns = groupTurns([q1, a1, message('a1b', 'assistant', 'streaming')]);
    expect(panelTarget(turns, {}, { messageId: 'a1', n: 1 }, 'a1b')?.messageId).toBe('a1b');
  });

  it('moves to the answer of a question asked after it was opened, once that answer is done', () => {
    const opened = { messageId: 'a1', n: 1, newestTurn: 'q1' };
    const asked = groupTurns([q1, a1, q2]);
    // The new question has no answer yet: the panel stays where it was.
    expect(panelTarget(asked, {}, opened, null)?.messageId).toBe('a1');
    const answered = groupTurns([q1, a1, q2, a2]);
    expect(panelTarget(answered, {}, opened, null)).toEqual({
      messageId: 'a2',
      n: null,
      newestTurn: 'q1',
    });
  });

  it('stays on an earlier answer opened on purpose while no newer question is asked', () => {
    const turns = groupTurns([q1, a1, q2, a2]);
    const opened = { messageId: 'a1', n: 2, newestTurn: 'q2' };
    expect(panelTarget(turns, {}, opened, null)).toBe(opened);
  });

  it('stays closed when closed, and closes when its answer is gone', () => {
    const turns = groupTurns([q1, a1]);
    expect(panelTarget(turns, {}, null, 'a1')).toBeNull();
    expect(panelTarget(turns, {}, { messageId: 'gone', n: null }, null)).toBeNull();
  });
});
