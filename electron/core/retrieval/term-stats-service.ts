// Keeps one TermStats for the library: built in the background on first need, rebuilt when
// the library has grown or shrunk enough that the rarities it knows are stale.
import type { TermStats } from '../language/term-stats';
import { scanTermStats, type LanceStore } from '../store';

export type TermStatsServiceOptions = {
  store: LanceStore;
  /** Rebuild when the passage count moved by more than this share of the counted passages. */
  drift?: number;
  /** How often, at most, a read counts the passages to notice drift. */
  checkEveryMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
  now?: () => number;
};

export type TermStatsBuild = { passages: number; ms: number; at: number };

/**
 * Document frequencies change slowly: a few added documents barely move an idf, so the stats
 * are rebuilt only past a 10 % drift in passages (by default), never per write. Reads never
 * wait for a rebuild; only the very first read waits for the first build (up to `waitMs`).
 */
export class TermStatsService {
  private stats: TermStats | null = null;
  private building: Promise<TermStats | null> | null = null;
  private checking: Promise<void> | null = null;
  private lastCheck = 0;
  private readonly abort = new AbortController();
  private readonly drift: number;
  private readonly checkEveryMs: number;
  private readonly now: () => number;
  /** The last finished build, for status and benchmarks. */
  lastBuild: TermStatsBuild | null = null;

  constructor(private readonly options: TermStatsServiceOptions) {
    this.drift = options.drift ?? 0.1;
    this.checkEveryMs = options.checkEveryMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The stats as they are now, without waiting or checking. */
  current(): TermStats | null {
    return this.stats;
  }

  /** Starts the first build if none is there or under way. */
  warm(): void {
    if (!this.stats && !this.building) void this.rebuild();
  }

  /**
   * The library's stats. The first read starts the build and waits for it, at most `waitMs`
   * (then null, and the build goes on); later reads answer at once and, every `checkEveryMs`,
   * count the passages and rebuild in the background when they drifted.
   */
  async get(waitMs = Number.POSITIVE_INFINITY): Promise<TermStats | null> {
    if (this.abort.signal.aborted) return this.stats;
    if (this.stats) {
      if (this.now() - this.lastCheck >= this.checkEveryMs && !this.checking) {
        this.checking = this.checkDrift().finally(() => {
          this.checking = null;
        });
      }
      return this.stats;
    }
    const build = this.building ?? this.rebuild();
    if (!Number.isFinite(waitMs)) return build;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      return await Promise.race([build, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once no drift check or build is running. */
  async whenIdle(): Promise<void> {
    while (this.checking || this.building) await (this.checking ?? this.building);
  }

  /** Stops a running build at its next batch; reads then answer with what is there. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.whenIdle();
  }

  private async checkDrift(): Promise<void> {
    this.lastCheck = this.now();
    if (this.building || !this.stats) return;
    try {
      const rows = await this.options.store.tables.chunks.countRows();
      const counted = this.stats.passages;
      if (Math.abs(rows - counted) > this.drift * Math.max(counted, 1)) await this.rebuild();
    } catch (error) {
      this.options.log?.('warn', `counting passages for word statistics failed: ${String(error)}`);
    }
  }

  private rebuild(): Promise<TermStats | null> {
    if (this.building) return this.building;
    const started = this.now();
    this.lastCheck = started;
    const run = scanTermStats(this.options.store, { signal: this.abort.signal })
      .then((stats) => {
        this.stats = stats;
        const ms = this.now() - started;
        this.lastBuild = { passages: stats.passages, ms, at: this.now() };
        this.options.log?.('info', `word statistics: ${stats.passages} passages in ${ms} ms`);
        return stats;
      })
      .catch((error: unknown) => {
        // Coverage and answer checks fall back to equal weights; the next drift check retries.
        if (!this.abort.signal.aborted)
          this.options.log?.('warn', `word statistics could not be built: ${String(error)}`);
        return this.stats;
      })
      .finally(() => {
        this.building = null;
      });
    this.building = run;
    return run;
  }
}
