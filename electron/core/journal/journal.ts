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
  /** How far a reader has read (readNew), and which file that was (a compaction makes a new one). */
  private readMark: JournalMark = { ino: 0, offset: 0 };

  constructor(
    private readonly file: string,
    private readonly compactEvery = 5_000,
  ) {}

  /** Reads every intact record, in order. */
  load(): Record[] {
    return this.readFrom(null)?.records ?? [];
  }

  /**
   * For a reader beside the process that writes this journal: the records appended since the
   * last load() or readNew(), or null when nothing changed. `replaced` when the file was
   * compacted (or removed) meanwhile: `records` are then all of it, the whole current state.
   */
  readNew(): { records: Record[]; replaced: boolean } | null {
    return this.readFrom(this.readMark);
  }

  private readFrom(mark: JournalMark | null): { records: Record[]; replaced: boolean } | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      const had = mark !== null && (mark.ino !== 0 || mark.offset !== 0);
      this.readMark = { ino: 0, offset: 0 };
      return mark === null || had ? { records: [], replaced: true } : null;
    }
    try {
      // One descriptor for the size, the identity and the bytes: a compaction renaming a new
      // file over this one in between cannot mix the two.
      const { ino, size } = fs.fstatSync(fd);
      const replaced = mark === null || ino !== mark.ino || size < mark.offset;
      const from = replaced ? 0 : mark.offset;
      if (!replaced && size === from) return null;
      const bytes = Buffer.alloc(size - from);
      let read = 0;
      while (read < bytes.length) {
        const n = fs.readSync(fd, bytes, read, bytes.length - read, from + read);
        if (n === 0) break;
        read += n;
      }
      // Only whole lines count as read: a record still being written is taken next time.
      const whole = bytes.lastIndexOf(0x0a, read - 1) + 1;
      this.readMark = { ino, offset: from + whole };
      // load() also keeps a last record whose newline never came (as it always has).
      const end = mark === null ? read : whole;
      return { records: parseLines<Record>(bytes.toString('utf8', 0, end)), replaced };
    } catch {
      // Unreadable (a folder in its place, an I/O error): as if empty, and read again next time.
      return mark === null ? { records: [], replaced: true } : null;
    } finally {
      fs.closeSync(fd);
    }
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

type JournalMark = { ino: number; offset: number };

function parseLines<Record>(text: string): Record[] {
  const records: Record[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as Record);
    } catch {
      // A torn line from a crash: everything around it is intact.
    }
  }
  return records;
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
