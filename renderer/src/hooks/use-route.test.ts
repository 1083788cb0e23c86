import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './use-route';

describe('routes', () => {
  it('round-trips every view', () => {
    for (const hash of ['#/library', '#/settings', '#/chat', '#/chat/c123_x']) {
      expect(routeHash(parseRoute(hash))).toBe(hash);
    }
  });

  it('falls back to a new chat for anything unknown', () => {
    expect(parseRoute('')).toEqual({ view: 'chat', conversationId: null });
    expect(parseRoute('#token=abc')).toEqual({ view: 'chat', conversationId: null });
    expect(parseRoute('#/chat/../../etc')).toEqual({ view: 'chat', conversationId: null });
  });
});
