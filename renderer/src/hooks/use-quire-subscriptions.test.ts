import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { DocumentInfo, LibrarySnapshot } from '../../../shared/documents';
import type { StreamHandlers, Transport } from '../../../shared/transport';
import { makeEvent } from '../../../test/helpers/stream-events';
import type { Conversation } from '../api/event-types';
import type { Scheduler } from '../lib/frame-batcher';
import { emptyLibrary } from '../library/library-reducer';
import { queryKeys } from './query-keys';
import { subscribeApp } from './use-quire-subscriptions';

function fakeTransport() {
  const follows = new Map<string, { handlers: StreamHandlers; stopped: boolean }>();
  const transport = {
    follow(stream: string, handlers: StreamHandlers) {
      const entry = { handlers, stopped: false };
      follows.set(stream, entry);
      return () => {
        entry.stopped = true;
      };
    },
  } as unknown as Transport;
  return { transport, follows };
}

const doc: DocumentInfo = {
  id: 'd1',
  path: '/a.pdf',
  name: 'a.pdf',
  kind: 'pdf',
  size: 10,
  pages: 3,
  status: 'parsing',
  chunks: 0,
  progress: { stage: 'parsing', done: 1, total: 3, fraction: 0.1, etaMs: 3000 },
  error: null,
  vectorsPending: false,
  embeddingModel: null,
  addedAt: 0,
  updatedAt: 0,
};

describe('subscribeApp', () => {
  it('puts the library snapshot in the cache at once and applies events per frame', () => {
    const { transport, follows } = fakeTransport();
    const client = new QueryClient();
    const queue: (() => void)[] = [];
    const schedule: Scheduler = (run) => (queue.push(run), () => {});
    const unsubscribe = subscribeApp(transport, client, schedule);
    const library = follows.get('library')!.handlers;
    library.onSnapshot({
      stream: 'library',
      snapshot: { ...emptyLibrary(), documents: [doc] },
      lastSeq: 7,
      events: [],
      resync: false,
    });
    // True progress straight from the snapshot, before any event.
    const first = client.getQueryData<LibrarySnapshot>(queryKeys.library.snapshot());
    expect(first?.documents[0]?.progress?.done).toBe(1);

    library.onEvent(
      makeEvent('library', 8, 'document.progress', {
        documentId: 'd1',
        stage: 'embedding',
        done: 5,
        total: 9,
        fraction: 0.7,
        etaMs: 800,
      }),
    );
    queue.splice(0).forEach((run) => run());
    const next = client.getQueryData<LibrarySnapshot>(queryKeys.library.snapshot());
    expect(next?.documents[0]).toMatchObject({ status: 'embedding', progress: { done: 5 } });

    unsubscribe();
    expect([...follows.values()].every((f) => f.stopped)).toBe(true);
  });

  it('refreshes the pages of a large library once a second at most, and only when rows change', () => {
    vi.useFakeTimers();
    try {
      const { transport, follows } = fakeTransport();
      const client = new QueryClient();
      const queue: (() => void)[] = [];
      subscribeApp(transport, client, (run) => (queue.push(run), () => {}));
      const library = follows.get('library')!.handlers;
      const totals = { documents: 20_000, chunks: 100_000, indexing: 1, failed: 0 };
      library.onSnapshot({
        stream: 'library',
        snapshot: { ...emptyLibrary(), documents: [doc], complete: false, totals },
        lastSeq: 1,
        events: [],
        resync: false,
      });
      const pageKey = queryKeys.library.page('all', '', null, 40);
      const page = { total: 20_000, offset: 8_000, documents: [] };
      client.setQueryData(pageKey, page);
      const stale = () => client.getQueryState(pageKey)?.isInvalidated;
      const progress = (seq: number) =>
        makeEvent('library', seq, 'document.progress', {
          documentId: 'd1',
          stage: 'embedding',
          done: seq,
          total: 90,
          fraction: 0.5,
          etaMs: 800,
        });

      // Progress moves rows the window holds: no page is fetched again for it.
      library.onEvent(progress(2));
      queue.splice(0).forEach((run) => run());
      vi.advanceTimersByTime(5_000);
      expect(stale()).toBe(false);

      // Documents arriving and finishing: one refresh for the whole burst.
      const added = (seq: number) =>
        makeEvent('library', seq, 'document.added', {
          document: { ...doc, id: `n${seq}`, addedAt: seq },
        });
      library.onEvent(added(3));
      queue.splice(0).forEach((run) => run());
      library.onEvent(added(4));
      queue.splice(0).forEach((run) => run());
      expect(stale()).toBe(false);
      vi.advanceTimersByTime(1_000);
      expect(stale()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps every window in sync with conversation events', () => {
    const { transport, follows } = fakeTransport();
    const client = new QueryClient();
    subscribeApp(transport, client, () => () => {});
    const conv = (title: string, updatedAt: number): Conversation => ({
      id: 'c1',
      title,
      createdAt: 0,
      updatedAt,
      messageCount: 2,
    });
    client.setQueryData(queryKeys.conversations.list(), [conv('Old', 1)]);
    const { onEvent } = follows.get('conversations')!.handlers;
    onEvent(
      makeEvent('conversations', 1, 'conversation.updated', { conversation: conv('New', 2) }),
    );
    expect(client.getQueryData<Conversation[]>(queryKeys.conversations.list())?.[0]?.title).toBe(
      'New',
    );
    onEvent(makeEvent('conversations', 2, 'conversation.deleted', { conversationId: 'c1' }));
    expect(client.getQueryData<Conversation[]>(queryKeys.conversations.list())).toEqual([]);
  });
});
