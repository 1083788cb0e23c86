export type Scheduler = (run: () => void) => () => void;

/**
 * Runs on the next animation frame; a hidden page gets no frames, so fall back to a timer
 * there rather than let events pile up unapplied.
 */
export const frameScheduler: Scheduler = (run) => {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
    const timer = setTimeout(run, 100);
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(run);
  return () => cancelAnimationFrame(frame);
};

export type FrameBatcher<T> = {
  push: (item: T) => void;
  /** Applies what is queued now (e.g. before unmounting). */
  flush: () => void;
  cancel: () => void;
};

/** Collects items and hands them over at most once per frame, in arrival order. */
export function createFrameBatcher<T>(
  apply: (items: T[]) => void,
  schedule: Scheduler = frameScheduler,
): FrameBatcher<T> {
  let queue: T[] = [];
  let cancelScheduled: (() => void) | null = null;
  const flush = () => {
    cancelScheduled?.();
    cancelScheduled = null;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    apply(items);
  };
  return {
    push(item) {
      queue.push(item);
      cancelScheduled ??= schedule(flush);
    },
    flush,
    cancel() {
      cancelScheduled?.();
      cancelScheduled = null;
      queue = [];
    },
  };
}
