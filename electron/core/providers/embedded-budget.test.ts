import { describe, expect, it } from 'vitest';
import { fitPrompt, sameTurns, splitMessages, type PromptParts } from './embedded-budget';

// One "token" per character keeps the arithmetic visible.
const count = (p: PromptParts) =>
  p.system.length + p.user.length + p.history.reduce((n, t) => n + t.content.length, 0);

describe('fitPrompt', () => {
  const parts: PromptParts = {
    system: 'SSSSSSSSSS',
    history: [
      { role: 'user', content: 'u1u1u1' },
      { role: 'assistant', content: 'a1a1a1' },
      { role: 'user', content: 'u2' },
      { role: 'assistant', content: 'a2' },
    ],
    user: 'question',
  };

  it('keeps a prompt that fits', () => {
    expect(fitPrompt(parts, count, 100)).toEqual({ parts, trimmed: false });
  });

  it('drops whole exchanges, oldest first', () => {
    const fitted = fitPrompt(parts, count, 24);
    expect(fitted?.parts.history.map((t) => t.content)).toEqual(['u2', 'a2']);
    expect(fitted?.trimmed).toBe(true);
  });

  it('then cuts the end of the system text, then the start of the question', () => {
    expect(fitPrompt(parts, count, 12)?.parts).toEqual({
      system: 'SSSS',
      history: [],
      user: 'question',
    });
    expect(fitPrompt(parts, count, 5)?.parts).toEqual({ system: '', history: [], user: 'stion' });
    expect(fitPrompt(parts, count, 0)).toBeNull();
  });
});

describe('splitMessages and sameTurns', () => {
  it('joins system turns and separates the final question', () => {
    expect(
      splitMessages([
        { role: 'system', content: 'a' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'r1' },
        { role: 'system', content: 'b' },
        { role: 'user', content: 'q2' },
      ]),
    ).toEqual({
      system: 'a\n\nb',
      history: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'r1' },
      ],
      user: 'q2',
    });
    expect(sameTurns(null, [])).toBe(false);
    expect(sameTurns([{ role: 'user', content: 'x' }], [{ role: 'user', content: 'x' }])).toBe(
      true,
    );
    expect(sameTurns([{ role: 'user', content: 'x' }], [{ role: 'user', content: 'y' }])).toBe(
      false,
    );
  });
});
