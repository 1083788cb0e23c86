import type { Connection, Table } from '@lancedb/lancedb';
import { FTS_COLUMN } from './fts-index';

export type MaintenancePolicy = {
  /** Optimize once this many commits have piled up (each adds a fragment)... */
  maxWritesBetween: number;
  /** ...or once this long has passed since the last run, if anything was written... */
  maxIntervalMs: number;
  /**
   * ...or once the rows written since the last run reach this share of the rows it left
   * (at least `minRowsBetween`). Optimize rewrites work that grows with the table (the
   * full-text index, compaction's remap), so a fixed row or write count would make a large
   * library cost quadratic time; a share keeps the total linear.
   */
  growth: number;
  minRowsBetween: number;
  /**
   * Optimize is never due before `dutyFactor` times its last duration has passed: it then
   * takes at most about 1/(dutyFactor + 1) of the writer's time, however large the table.
   */
  dutyFactor: number;
  /**
   * Versions older than this are deleted by optimize. Kept short so disk does not grow with
   * every write, yet long enough that a query still reading an older version finishes.
   */
  keepVersionsMs: number;
};

// Rows written in between are still searched (LanceDB scans what its indexes do not yet
// cover), so deferring optimize only costs a little search time, never results.
export const DEFAULT_MAINTENANCE: MaintenancePolicy = {
  maxWritesBetween: 60,
  maxIntervalMs: 30_000,
  growth: 0.25,
  minRowsBetween: 4_000,
  dutyFactor: 4,
  keepVersionsMs: 60_000,
};

export type OptimizeReport = {
  durationMs: number;
  fragments: Record<string, number>;
  fragmentsRemoved: number;
  versionsRemoved: number;
  bytesRemoved: number;
  vectorIndexBuilt: boolean;
};

/** Throttles optimize: the writer calls `note()` after each commit and `due()` to ask. */
export class OptimizeThrottle {
  private writes = 0;
  private rows = 0;
  /** Rows the last run left in the tables: what the next run's growth is measured against. */
  private baseRows = 0;
  private lastDurationMs = 0;
  private last: number;
  private previousRun: number | null = null;
  constructor(
    private readonly policy: MaintenancePolicy,
    private readonly now: () => number,
  ) {
    this.last = now();
  }
  note(rows = 0): void {
    this.writes += 1;
    this.rows += rows;
  }
  get pendingWrites(): number {
    return this.writes;
  }
  due(): boolean {
    if (this.writes === 0) return false;
    const elapsed = this.now() - this.last;
    if (elapsed < this.policy.dutyFactor * this.lastDurationMs) return false;
    const rowsDue = Math.max(this.policy.minRowsBetween, this.policy.growth * this.baseRows);
    return (
      this.writes >= this.policy.maxWritesBetween ||
      this.rows >= rowsDue ||
      elapsed >= this.policy.maxIntervalMs
    );
  }
  /** After a run: `rows` is the table size it left, `durationMs` how long it took. */
  reset(rows = this.baseRows + this.rows, durationMs = 0): void {
    this.writes = 0;
    this.rows = 0;
    this.baseRows = rows;
    this.lastDurationMs = durationMs;
    this.last = this.now();
  }
  /** Versions older than this may go: past keepVersionsMs and older than the previous run. */
  cleanupBefore(started: number): number {
    const byAge = started - this.policy.keepVersionsMs;
    const before = this.previousRun === null ? byAge : Math.min(byAge, this.previousRun);
    this.previousRun = started;
    return before;
  }
}

/**
 * `cleanupBefore` should lag one optimize run behind: a version superseded only by this
 * run's compaction may still be under a search that started just before it.
 */
export async function optimizeTables(
  tables: readonly Table[],
  cleanupBefore: number,
): Promise<Omit<OptimizeReport, 'durationMs' | 'vectorIndexBuilt'>> {
  const report = {
    fragments: {} as Record<string, number>,
    fragmentsRemoved: 0,
    versionsRemoved: 0,
    bytesRemoved: 0,
  };
  for (const table of tables) {
    // Compaction, index refresh (folds new rows into FTS/ANN) and old-version cleanup in one.
    const stats = await table.optimize({ cleanupOlderThan: new Date(cleanupBefore) });
    report.fragmentsRemoved += stats.compaction.fragmentsRemoved - stats.compaction.fragmentsAdded;
    report.versionsRemoved += stats.prune.oldVersionsRemoved;
    report.bytesRemoved += stats.prune.bytesRemoved;
    report.fragments[table.name] = (await table.stats()).fragmentStats.numFragments;
  }
  return report;
}

export type TableHealth = { table: string; ok: boolean; rows: number | null; error: string | null };

/**
 * Opens each table afresh (a cached handle could hide a damaged manifest), counts rows and
 * reads the id column end to end, which touches every data file. For chunks, it also runs a
 * one-row full-text query so a damaged index shows up here rather than in a chat.
 */
export async function checkTables(
  db: Connection,
  names: readonly string[],
): Promise<TableHealth[]> {
  const results: TableHealth[] = [];
  for (const name of names) {
    let table: Table | null = null;
    try {
      table = await db.openTable(name);
      const rows = await table.countRows();
      let scanned = 0;
      for await (const batch of table.query().select(['id'])) scanned += batch.numRows;
      if (scanned !== rows) throw new Error(`counted ${rows} rows but read ${scanned}`);
      const indices = await table.listIndices();
      if (indices.some((i) => i.indexType === 'FTS')) {
        await table
          .query()
          .fullTextSearch('health', { columns: FTS_COLUMN })
          .select(['id', '_score'])
          .limit(1)
          .toArray();
      }
      results.push({ table: name, ok: true, rows, error: null });
    } catch (error) {
      results.push({
        table: name,
        ok: false,
        rows: null,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      table?.close();
    }
  }
  return results;
}
