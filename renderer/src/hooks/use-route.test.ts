import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './use-route';

describe('routes', () => {
  it('reads a question about one document', () => {
    expect(parseRoute('#/ask/d12_y')).toEqual({
      view: 'chat',
      conversationId: null,
      aboutDocumentId: 'd12_y',
    });
  });

  it('round-trips every view', () => {
    for (const hash of ['#/library', '#/settings', '#/chat', '#/chat/c123_x', '#/ask/d12_y']) {
      expect(routeHash(parseRoute(hash))).toBe(hash);
    }
  });

  it('falls back to a new chat for anything unknown', () => {
    expect(parseRoute('')).toEqual({ view: 'chat', conversationId: null });
    expect(parseRoute('#token=abc')).toEqual({ view: 'chat', conversationId: null });
    expect(parseRoute('#/chat/../../etc')).toEqual({ view: 'chat', conversationId: null });
    expect(parseRoute('#/ask/../x')).toEqual({ view: 'chat', conversationId: null });
  });
});
