import { describe, expect, it } from 'vitest';
import { createFrameBatcher, type Scheduler } from './frame-batcher';

function manualFrames() {
  const pending: (() => void)[] = [];
  const schedule: Scheduler = (run) => {
    pending.push(run);
    return () => {
      const i = pending.indexOf(run);
      if (i >= 0) pending.splice(i, 1);
    };
  };
  return { schedule, tick: () => pending.splice(0).forEach((run) => run()), pending };
}

describe('createFrameBatcher', () => {
  it('delivers everything pushed within a frame at once, in order', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), frames.schedule);
    batcher.push(1);
    batcher.push(2);
    batcher.push(3);
    expect(frames.pending).toHaveLength(1);
    frames.tick();
    batcher.push(4);
    frames.tick();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('flushes on demand and cancels', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), frames.schedule);
    batcher.push(1);
    batcher.flush();
    expect(batches).toEqual([[1]]);
    expect(frames.pending).toHaveLength(0);
    batcher.push(2);
    batcher.cancel();
    frames.tick();
    expect(batches).toEqual([[1]]);
  });
});
