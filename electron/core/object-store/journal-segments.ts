// A local journal file mirrored into a bucket as immutable segments: one writer ships what it
// appended, readers fetch what they have not seen. See docs/architecture.md, "A library in a bucket".
import fs from 'node:fs';
import path from 'node:path';

/** The few object calls the mirror needs (ObjectBucket has them). Keys are relative to the library. */
export interface SegmentObjects {
  list(prefix: string): Promise<string[]>;
  getBytes(key: string): Promise<Buffer | null>;
  putBytes(key: string, bytes: Buffer): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

/** Where the local copy stands against the bucket, kept beside the journal file. */
type MirrorState = {
  generation: number;
  /** The last segment of that generation the local file holds. */
  segment: number;
  /** Bytes of the local file that the bucket holds (its whole lines). */
  bytes: number;
  /** The local file's inode: a compaction writes a new file, which starts a new generation. */
  ino: number;
};

type RemoteGeneration = { generation: number; segments: { segment: number; key: string }[] };

/**
 * After this many segments the writer ships the whole file as a new generation: a reader that
 * opens the library fetches at most this many objects per journal, and listings stay on one
 * page (1,000 keys).
 */
export const SEGMENTS_PER_GENERATION = 200;

const SEGMENT_KEY = /\/g(\d{6})\/s(\d{8})\.jsonl$/;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * One journal (`documents`, `collections`) of a library in a bucket.
 *
 * Segments are `_quire/journals/<name>/g<generation>/s<segment>.jsonl` and hold whole lines.
 * Appends go to the next segment of the current generation. A compaction of the local file
 * (a new inode) uploads the whole file as segment 0 of the next generation and then deletes
 * the older one: a reader that finds a newer generation replaces its copy with it, which its
 * Journal sees as a compaction. Objects are never rewritten, so no store needs conditional
 * writes for this; the lease keeps the writer single.
 */
export class JournalMirror {
  private readonly stateFile: string;
  private state: MirrorState;
  private readonly prefix: string;

  constructor(
    private readonly objects: SegmentObjects,
    /** The journal's name in the bucket. */
    name: string,
    /** The local journal file that the registry or the collections read and write. */
    private readonly file: string,
  ) {
    this.prefix = `_quire/journals/${name}/`;
    this.stateFile = `${file}.mirror.json`;
    this.state = this.readState();
  }

  /**
   * Brings the local copy up to the bucket (a reader, and a writer before it writes). For a
   * writer, `keepLocalAhead` keeps lines this home wrote after the last shipped segment, when
   * nothing newer reached the bucket meanwhile: a writer killed before shipping ships them next.
   * Returns true when the local file changed.
   */
  async pull(options: { keepLocalAhead?: boolean } = {}): Promise<boolean> {
    const remote = await this.latestGeneration();
    const local = this.state;
    if (!remote) {
      // Nothing shipped yet: a writer keeps what it has; a reader empties a copy it had.
      if (options.keepLocalAhead || (local.generation === 0 && this.localSize() === 0))
        return false;
      return this.replaceLocal({ generation: 0, segments: [] }, [], options);
    }
    const sameGeneration = remote.generation === local.generation && this.localIno() === local.ino;
    const last = remote.segments.at(-1)?.segment ?? -1;
    if (sameGeneration && last === local.segment) return false;
    if (sameGeneration && last > local.segment) {
      const newer = remote.segments.filter((s) => s.segment > local.segment);
      if (this.localSize() > local.bytes) {
        // Lines of our own that never shipped, and another writer's segments after them: the
        // bucket is the library, so the unshipped lines go.
        return this.replaceLocal(remote, remote.segments, options);
      }
      const parts = await this.download(newer);
      if (!parts) return this.pull(options);
      const bytes = Buffer.concat(parts);
      fs.appendFileSync(this.file, bytes);
      this.saveState({ ...local, segment: last, bytes: local.bytes + bytes.length });
      return true;
    }
    return this.replaceLocal(remote, remote.segments, options);
  }

  /**
   * Uploads what the local file gained since the last ship (whole lines only), or the whole
   * file as a new generation after a compaction. Returns true when something was uploaded.
   */
  async ship(): Promise<boolean> {
    const ino = this.localIno();
    if (ino === 0) return false;
    const local = this.state;
    if (ino !== local.ino || local.segment + 1 >= SEGMENTS_PER_GENERATION) {
      const whole = this.wholeLines(0);
      const generation = local.generation + 1;
      await this.objects.putBytes(this.segmentKey(generation, 0), whole);
      const old = await this.generationSegments(local.generation);
      this.saveState({ generation, segment: 0, bytes: whole.length, ino });
      for (const { key } of old) await this.objects.delete(key);
      return true;
    }
    const added = this.wholeLines(local.bytes);
    if (added.length === 0) return false;
    const segment = local.segment + 1;
    await this.objects.putBytes(this.segmentKey(local.generation, segment), added);
    this.saveState({ ...local, segment, bytes: local.bytes + added.length });
    return true;
  }

  private segmentKey(generation: number, segment: number): string {
    return `${this.prefix}g${pad(generation, 6)}/s${pad(segment, 8)}.jsonl`;
  }

  private async listed(): Promise<RemoteGeneration[]> {
    const byGeneration = new Map<number, RemoteGeneration>();
    for (const key of await this.objects.list(this.prefix)) {
      const match = SEGMENT_KEY.exec(key);
      if (!match) continue;
      const generation = Number(match[1]);
      const entry = byGeneration.get(generation) ?? { generation, segments: [] };
      entry.segments.push({ segment: Number(match[2]), key });
      byGeneration.set(generation, entry);
    }
    for (const entry of byGeneration.values()) entry.segments.sort((a, b) => a.segment - b.segment);
    return [...byGeneration.values()].sort((a, b) => a.generation - b.generation);
  }

  /** The newest generation whose first segment (its snapshot) is complete in the bucket. */
  private async latestGeneration(): Promise<RemoteGeneration | null> {
    const generations = await this.listed();
    for (let i = generations.length - 1; i >= 0; i--) {
      const entry = generations[i]!;
      if (entry.segments[0]?.segment === 0) return contiguous(entry);
    }
    return null;
  }

  private async generationSegments(generation: number): Promise<{ key: string }[]> {
    return (await this.listed()).find((g) => g.generation === generation)?.segments ?? [];
  }

  /** Null when a segment vanished meanwhile (a compaction deleted its generation). */
  private async download(segments: { key: string }[]): Promise<Buffer[] | null> {
    const parts: Buffer[] = [];
    for (const { key } of segments) {
      const bytes = await this.objects.getBytes(key);
      if (!bytes) return null;
      parts.push(bytes);
    }
    return parts;
  }

  private async replaceLocal(
    remote: RemoteGeneration,
    segments: { key: string; segment: number }[],
    pullOptions: { keepLocalAhead?: boolean },
  ): Promise<boolean> {
    const parts = await this.download(segments);
    // A segment went while we read (a compaction): look again, as the caller asked.
    if (!parts) return this.pull(pullOptions);
    const bytes = Buffer.concat(parts);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.mirror.tmp`;
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, this.file);
    this.saveState({
      generation: remote.generation,
      segment: segments.at(-1)?.segment ?? -1,
      bytes: bytes.length,
      ino: this.localIno(),
    });
    return true;
  }

  private wholeLines(from: number): Buffer {
    const size = this.localSize();
    if (size <= from) return Buffer.alloc(0);
    const fd = fs.openSync(this.file, 'r');
    try {
      const bytes = Buffer.alloc(size - from);
      let read = 0;
      while (read < bytes.length) {
        const n = fs.readSync(fd, bytes, read, bytes.length - read, from + read);
        if (n === 0) break;
        read += n;
      }
      return bytes.subarray(0, bytes.lastIndexOf(0x0a, read - 1) + 1);
    } finally {
      fs.closeSync(fd);
    }
  }

  private localIno(): number {
    try {
      return fs.statSync(this.file).ino;
    } catch {
      return 0;
    }
  }

  private localSize(): number {
    try {
      return fs.statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  private readState(): MirrorState {
    try {
      const state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as MirrorState;
      if ([state.generation, state.segment, state.bytes, state.ino].every(Number.isInteger))
        return state;
    } catch {
      // No state yet, or a torn one: the first pull replaces the local copy with the bucket's.
    }
    return { generation: 0, segment: -1, bytes: 0, ino: -1 };
  }

  private saveState(state: MirrorState): void {
    this.state = state;
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const temp = `${this.stateFile}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(state));
    fs.renameSync(temp, this.stateFile);
  }
}

/** The segments up to the first gap: one still uploading is taken next time. */
function contiguous(entry: RemoteGeneration): RemoteGeneration {
  const segments = [];
  for (const item of entry.segments) {
    if (item.segment !== segments.length) break;
    segments.push(item);
  }
  return { generation: entry.generation, segments };
}
