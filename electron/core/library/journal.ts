import fs from 'node:fs';
import path from 'node:path';
import { QuireError } from '../../../shared/errors';

/**
 * An append-only JSON-lines journal with compaction. Each append reaches the OS before
 * the call returns, so a killed process loses nothing it acknowledged. A torn last line
 * (the process died mid-write) is ignored on load. A failed append (a full disk) is cut
 * back off, so the file always ends on a whole record.
 */
export class Journal<Record> {
  private fd: number | null = null;
  /** Bytes known to hold whole records: where a failed append is truncated back to. */
  private size = 0;
  private midLine = false;
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

  /** Throws `disk_full` (and leaves the file as it was) when the disk has no room. */
  append(record: Record): void {
    if (this.fd === null) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a+');
      this.size = fs.fstatSync(this.fd).size;
      this.midLine = this.endsMidLine();
    }
    // After a torn line (a crash mid-write), start on a fresh line so this record survives.
    const lead = this.midLine ? '\n' : '';
    const bytes = Buffer.from(`${lead}${JSON.stringify(record)}\n`);
    try {
      let written = 0;
      while (written < bytes.length)
        written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      this.cutBack();
      throw journalError(error);
    }
    this.size += bytes.length;
    this.midLine = false;
    this.appendedSinceCompaction++;
  }

  /** Compacting rewrites every live record, so wait for as many appends: O(1) per append. */
  needsCompaction(liveRecords = 0): boolean {
    return this.appendedSinceCompaction >= Math.max(this.compactEvery, 2 * liveRecords);
  }

  /**
   * Replaces the history with the given current state, atomically (write, fsync, rename).
   * On failure the old journal stays in place and the temp file is removed.
   */
  compact(state: Record[]): void {
    const temp = `${this.file}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = fs.openSync(temp, 'w');
      try {
        const text = state.map((r) => JSON.stringify(r)).join('\n') + (state.length ? '\n' : '');
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (this.fd !== null) {
        fs.closeSync(this.fd);
        this.fd = null;
      }
      fs.renameSync(temp, this.file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw journalError(error);
    }
    this.appendedSinceCompaction = 0;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private endsMidLine(): boolean {
    if (this.fd === null || this.size === 0) return false;
    const last = Buffer.alloc(1);
    fs.readSync(this.fd, last, 0, 1, this.size - 1);
    return last[0] !== 0x0a;
  }

  /** Drops a partly written line; truncating frees space, so it works on a full disk. */
  private cutBack() {
    if (this.fd === null) return;
    try {
      fs.ftruncateSync(this.fd, this.size);
    } catch {
      // Reopening re-reads the size; the next append then starts on a fresh line.
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

function journalError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new QuireError(
      'disk_full',
      'The disk is full. Free some space, then try again; nothing already saved was lost.',
      { retryable: true, cause: error },
    );
  }
  return error;
}
