/**
 * Batches text deltas to at most one emit per frame (~16 ms) per stream. The first delta
 * goes out at once, so time to first token is never delayed; nothing is dropped or reordered.
 */
export class DeltaCoalescer {
  private buffer = '';
  private lastEmit = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly frameMs = 16,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string): void {
    if (!text) return;
    this.buffer += text;
    if (this.timer) return;
    const wait = this.lastEmit + this.frameMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.lastEmit = this.now();
    this.emit(text);
  }
}
