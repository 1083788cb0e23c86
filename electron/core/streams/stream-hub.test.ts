import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LibrarySnapshot } from '../../../shared/documents';
import type { StreamEvent } from '../../../shared/events';
import { StreamHub } from './stream-hub';

const delta = (text: string) => ({ text });
const librarySnapshot = (documents: number): LibrarySnapshot => ({
  documents: [],
  complete: true,
  index: { status: 'ok', damagedTables: [], error: null },
  paused: false,
  watchedFolders: [],
  totals: { documents, chunks: 0, indexing: 0, failed: 0 },
});

describe('StreamHub', () => {
  afterEach(() => vi.useRealTimers());

  it('numbers each stream independently with strictly increasing seq', () => {
    const hub = new StreamHub();
    const a = [
      hub.emit('chat:a', 'message.delta', delta('1')),
      hub.emit('chat:a', 'message.delta', delta('2')),
    ];
    const b = hub.emit('chat:b', 'message.delta', delta('x'));
    expect(a.map((e) => e.seq)).toEqual([1, 2]);
    expect(b.seq).toBe(1);
    expect(a[0]!.category).toBe('chat');
  });

  it('gives a late subscriber the snapshot plus the replay, then live events', () => {
    const hub = new StreamHub();
    let state = 0;
    hub.registerSnapshotProvider('library', () => librarySnapshot(state));
    for (let i = 1; i <= 5; i++) {
      state = i;
      hub.emit('library', 'queue.state', { paused: false, pending: i, active: 1 });
    }
    const live: StreamEvent[] = [];
    const sub = hub.subscribe('library', { afterSeq: 2, listener: (e) => live.push(e) });
    expect(sub.snapshot).toEqual(librarySnapshot(5));
    expect(sub.lastSeq).toBe(5);
    expect(sub.resync).toBe(false);
    expect(sub.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    hub.emit('library', 'queue.state', { paused: true, pending: 0, active: 0 });
    expect(live.map((e) => e.seq)).toEqual([6]);
    sub.unsubscribe();
    hub.emit('library', 'queue.state', { paused: true, pending: 0, active: 0 });
    expect(live).toHaveLength(1);
  });

  it('tells a subscriber whose position fell out of the buffer to re-snapshot', () => {
    const hub = new StreamHub({ bufferSize: 3 });
    for (let i = 0; i < 10; i++) hub.emit('chat:x', 'message.delta', delta(String(i)));
    const stale = hub.subscribe('chat:x', { afterSeq: 4, listener: () => {} });
    expect(stale.resync).toBe(true);
    expect(stale.events).toEqual([]);
    const fresh = hub.subscribe('chat:x', { afterSeq: 7, listener: () => {} });
    expect(fresh.resync).toBe(false);
    expect(fresh.events.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(hub.replay('chat:x', 2)).toBeNull();
  });

  it('filters live and replayed events by category', () => {
    const hub = new StreamHub();
    const got: string[] = [];
    hub.emit('chat:m', 'step', {
      step: 'search',
      status: 'running',
      label: 'Searching',
      category: 'action',
      progress: null,
    });
    hub.emit('chat:m', 'message.delta', delta('a'));
    const sub = hub.subscribe('chat:m', {
      afterSeq: 0,
      categories: ['pipeline'],
      listener: (e) => got.push(e.type),
    });
    expect(sub.events.map((e) => e.type)).toEqual(['step']);
    hub.emit('chat:m', 'message.delta', delta('b'));
    hub.emit('chat:m', 'step', {
      step: 'search',
      status: 'done',
      label: 'Searching',
      category: 'action',
      progress: 1,
    });
    expect(got).toEqual(['step']);
  });

  it('keeps a finished stream readable until its TTL, then drops it', () => {
    vi.useFakeTimers();
    const hub = new StreamHub({ finishedTtlMs: 1000 });
    hub.emit('chat:done', 'message.delta', delta('a'));
    hub.finish('chat:done');
    vi.advanceTimersByTime(999);
    expect(hub.status('chat:done')).toMatchObject({ exists: true, finished: true, lastSeq: 1 });
    vi.advanceTimersByTime(1);
    expect(hub.status('chat:done')).toMatchObject({ exists: false, lastSeq: 0 });
  });

  it('isolates a throwing listener from the others', () => {
    const hub = new StreamHub();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got: number[] = [];
    hub.subscribe('chat:z', {
      listener: () => {
        throw new Error('boom');
      },
    });
    hub.subscribe('chat:z', { listener: (e) => got.push(e.seq) });
    hub.emit('chat:z', 'message.delta', delta('a'));
    expect(got).toEqual([1]);
    spy.mockRestore();
  });

  it('refuses an event that does not belong on the stream, and numbers nothing for it', () => {
    const hub = new StreamHub();
    // @ts-expect-error a chat event on the library stream does not type-check
    expect(() => hub.emit('library', 'message.delta', delta('x'))).toThrow(/does not belong/);
    const computed: string = 'doc:d1';
    expect(() =>
      hub.emit(computed as 'library', 'queue.state', { paused: false, pending: 0, active: 0 }),
    ).toThrow(/"queue.state" event does not belong on "doc:d1"/);
    expect(hub.status('library')).toMatchObject({ exists: false, lastSeq: 0 });
    expect(hub.status('doc:d1')).toMatchObject({ exists: false, lastSeq: 0 });
  });
});
