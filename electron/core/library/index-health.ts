import type { IndexHealth } from '../../../shared/documents';
import { LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import { TABLE_DAMAGED_MESSAGE } from '../store';
import type { ChunkStorePort } from './chunk-store-port';

export const HEALTHY_INDEX: IndexHealth = { status: 'ok', damagedTables: [], error: null };

/** The index's health as the library reports it; each change is an `index.health` event. */
export class IndexHealthTracker {
  private current: IndexHealth = HEALTHY_INDEX;
  private checking: Promise<IndexHealth> | null = null;

  constructor(
    private readonly store: Pick<ChunkStorePort, 'checkHealth'>,
    private readonly hub: StreamHub,
    private readonly log?: (level: 'warn' | 'error', message: string) => void,
  ) {}

  get health(): IndexHealth {
    return this.current;
  }

  set(next: IndexHealth): void {
    const same =
      next.status === this.current.status &&
      next.error?.code === this.current.error?.code &&
      next.damagedTables.join() === this.current.damagedTables.join();
    this.current = next;
    if (!same) this.hub.emit(LIBRARY_STREAM, 'index.health', next);
  }

  /** Reads every table end to end; `superseded` says a rebuild started meanwhile and decides. */
  check(superseded: () => boolean): Promise<IndexHealth> {
    this.checking ??= (async () => {
      try {
        const damaged = (await this.store.checkHealth()).filter((t) => !t.ok);
        for (const t of damaged) this.log?.('error', `the ${t.table} table is damaged: ${t.error}`);
        if (!superseded())
          this.set(
            damaged.length === 0
              ? HEALTHY_INDEX
              : {
                  status: 'damaged',
                  damagedTables: damaged.map((t) => t.table),
                  error: { code: 'table_damaged', message: TABLE_DAMAGED_MESSAGE },
                },
          );
      } catch (error) {
        this.log?.('warn', `checking the index failed: ${String(error)}`);
      }
      return this.current;
    })().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Waits for a check in progress, if any. */
  async settled(): Promise<void> {
    await this.checking?.catch(() => undefined);
  }
}
