import { describe, expect, it } from 'vitest';
import { makeEvent } from '../test/helpers/stream-events';
import type { LibrarySnapshot } from './documents';
import { StreamFollower } from './stream-follower';
import { carries, parseSnapshot, streamKindOf } from './stream-kinds';

const library: LibrarySnapshot = {
  documents: [],
  complete: true,
  index: { status: 'ok', damagedTables: [], error: null },
  paused: false,
  watchedFolders: ['/notes'],
  totals: { documents: 0, chunks: 0, indexing: 0, failed: 0 },
};

describe('stream kinds', () => {
  it('names the kind of every stream id, and no kind for an unknown one', () => {
    expect(['library', 'doc:d1', 'chat:m1', 'conversations', 'system'].map(streamKindOf)).toEqual([
      'library',
      'doc',
      'chat',
      'conversations',
      'system',
    ]);
    expect(streamKindOf('nope:1')).toBeNull();
  });

  it('lets each stream carry only its own events', () => {
    expect(carries('chat:m1', 'message.delta')).toBe(true);
    expect(carries('library', 'message.delta')).toBe(false);
    expect(carries('doc:d1', 'document.ready')).toBe(true);
    expect(carries('doc:d1', 'queue.state')).toBe(false);
    expect(carries('nope', 'ping')).toBe(false);
  });

  it('reads a snapshot by its stream schema and refuses one of another shape', () => {
    expect(parseSnapshot('library', library)).toEqual(library);
    expect(parseSnapshot('chat:m1', null)).toBeNull();
    expect(() => parseSnapshot('library', { documents: [] })).toThrow(
      /snapshot of "library" is not what a library stream sends/,
    );
    expect(() => parseSnapshot('system', [])).toThrow(/system stream/);
  });
});

describe('StreamFollower', () => {
  it('hands on a typed snapshot, then the events after it', () => {
    const snapshots: LibrarySnapshot[] = [];
    const seqs: number[] = [];
    const follower = new StreamFollower('library', {
      onSnapshot: (result) => snapshots.push(result.snapshot),
      onEvent: (event) => seqs.push(event.seq),
    });
    follower.applyEvent(makeEvent('library', 3, 'document.removed', { documentId: 'd' }));
    expect(
      follower.applySubscribe({
        stream: 'library',
        snapshot: library,
        lastSeq: 2,
        events: [],
        resync: false,
      }),
    ).toBe('ok');
    expect(snapshots).toEqual([library]);
    expect(seqs).toEqual([3]);
  });

  it('applies nothing from a malformed snapshot: it throws, and the position stays put', () => {
    const snapshots: unknown[] = [];
    const follower = new StreamFollower('library', {
      onSnapshot: (result) => snapshots.push(result.snapshot),
      onEvent: () => {},
    });
    expect(() =>
      follower.applySubscribe({
        stream: 'library',
        snapshot: { documents: 'nope' },
        lastSeq: 7,
        events: [],
        resync: false,
      }),
    ).toThrow(/library stream/);
    expect(snapshots).toEqual([]);
    expect(follower.resumeFrom).toBeUndefined();
  });
});

it('stream ids come from the kinds: app-wide ones bare, keyed ones with an id', async () => {
  const { isValidStreamId } = await import('./stream-kinds');
  for (const id of ['library', 'conversations', 'system', 'chat:m1', 'doc:d_2-x'])
    expect(isValidStreamId(id)).toBe(true);
  for (const id of ['chat', 'doc:', 'library:x', 'chat:a b', 'nope', `chat:${'x'.repeat(65)}`])
    expect(isValidStreamId(id)).toBe(false);
});
