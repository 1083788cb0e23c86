import fs from 'node:fs';
import path from 'node:path';

/**
 * An append-only JSON-lines journal with compaction. Each append reaches the OS before
 * the call returns, so a killed process loses nothing it acknowledged. A torn last line
 * (the process died mid-write) is ignored on load.
 */
export class Journal<Record> {
  private fd: number | null = null;
  private appendedSinceCompaction = 0;

  constructor(
    private readonly file: string,
    private readonly compactEvery = 5_000,
  ) {}

  /** Reads every intact record, in order. */
  load(): Record[] {
    const records: Record[] = [];
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return records;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as Record);
      } catch {
        // A torn final line from a crash: everything before it is intact.
      }
    }
    return records;
  }

  append(record: Record): void {
    if (this.fd === null) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.appendedSinceCompaction++;
  }

  needsCompaction(): boolean {
    return this.appendedSinceCompaction >= this.compactEvery;
  }

  /** Replaces the history with the given current state, atomically (write, fsync, rename). */
  compact(state: Record[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeSync(fd, state.map((r) => JSON.stringify(r)).join('\n') + (state.length ? '\n' : ''));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    fs.renameSync(temp, this.file);
    this.appendedSinceCompaction = 0;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
