import { describe, expect, it } from 'vitest';
import { relativeTime } from './ConversationItem';

describe('relative times in the sidebar', () => {
  it('age with the clock they are given', () => {
    const at = Date.UTC(2026, 0, 2, 12, 0);
    expect(relativeTime(at, at + 10_000)).toBe('just now');
    expect(relativeTime(at, at + 3 * 60_000)).toBe('3 min ago');
    expect(relativeTime(at, at + 5 * 3_600_000)).toBe('5 h ago');
  });
});
