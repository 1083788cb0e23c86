import type { IndexStage, Progress } from '../../../shared/documents';

/** Where each stage sits in a document's overall progress bar. */
const STAGE_SPAN: Record<IndexStage, [number, number]> = {
  queued: [0, 0],
  parsing: [0.02, 0.3],
  chunking: [0.3, 0.35],
  embedding: [0.35, 0.95],
  writing: [0.95, 1],
};

/** Turns stage reports into monotonic progress with an ETA, and paces the events. */
export class ProgressTracker {
  private readonly startedAt: number;
  private fraction = 0;
  private lastEmit = 0;
  private lastStage: IndexStage | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly minIntervalMs = 100,
  ) {
    this.startedAt = now();
  }

  /** Returns the progress to publish, or null when it is too soon after the last one. */
  update(stage: IndexStage, done: number, total: number): Progress | null {
    const [from, to] = STAGE_SPAN[stage];
    const within = total > 0 ? Math.min(1, done / total) : 0;
    this.fraction = Math.max(this.fraction, from + (to - from) * within);
    const now = this.now();
    const stageChanged = stage !== this.lastStage;
    const finished = total > 0 && done >= total;
    if (!stageChanged && !finished && now - this.lastEmit < this.minIntervalMs) return null;
    this.lastEmit = now;
    this.lastStage = stage;
    const elapsed = now - this.startedAt;
    const etaMs =
      this.fraction >= 0.05 && this.fraction < 1
        ? Math.round((elapsed * (1 - this.fraction)) / this.fraction)
        : null;
    return { stage, done, total, fraction: Math.round(this.fraction * 1000) / 1000, etaMs };
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }
}
