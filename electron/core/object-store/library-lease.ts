// One writer per library in a bucket, many readers. The writer holds a lease object that it
// renews; a writer that crashed stops renewing, and its lease expires for the next one to take.
// Expiry compares the lease's time with this machine's clock: clocks are assumed to agree to
// within a few seconds, well inside the default 30 s.
import crypto from 'node:crypto';
import { z } from 'zod';
import { QuireError } from '../../../shared/errors';
import type { ObjectBucket } from './object-bucket';

export const LEASE_KEY = '_quire/lease.json';
export const DEFAULT_LEASE_TTL_MS = 30_000;

const HolderSchema = z.object({ name: z.string(), host: z.string(), pid: z.number().int() });
const LeaseSchema = z.object({
  holder: HolderSchema,
  token: z.string().min(1),
  acquiredAt: z.string().datetime(),
  renewedAt: z.string().datetime(),
  expiresAt: z.string().datetime(),
});
export type LeaseHolder = z.infer<typeof HolderSchema>;
export type LeaseRecord = z.infer<typeof LeaseSchema>;

/** `library_in_use`, with the holder and the expiry for callers that show them. */
export class LibraryInUseError extends QuireError {
  constructor(
    uri: string,
    readonly holder: LeaseHolder,
    readonly expiresAt: Date,
  ) {
    super(
      'library_in_use',
      `The library in ${uri} is being written by ${describeHolder(holder)} until ` +
        `${expiresAt.toISOString()}. Open it with --read-only, or wait until then.`,
    );
  }
}

export type LeaseOptions = {
  ttlMs?: number;
  /** A live lease whose holder is known to be gone (its process died on this machine) is taken over at once. */
  holderGone?: (holder: LeaseHolder) => boolean;
  now?: () => number;
  /**
   * The lease was taken by another writer, or could not be renewed before it expired: the
   * writer must stop writing. Called at most once, never after release().
   */
  onLost?: (message: string) => void;
};

/** The lease as stored, or null when no writer has one. */
export async function readLease(
  bucket: ObjectBucket,
): Promise<{ lease: LeaseRecord; etag: string } | null> {
  const found = await bucket.getJson(LEASE_KEY);
  if (!found) return null;
  const lease = LeaseSchema.safeParse(found.value);
  if (!lease.success)
    throw new QuireError(
      'bucket_foreign',
      `${bucket.uriOf(LEASE_KEY)} is not a Quire writer lease. If no Quire is writing this ` +
        'library, delete that object and try again.',
    );
  return { lease: lease.data, etag: found.etag };
}

export function leaseIsLive(lease: LeaseRecord, now: number = Date.now()): boolean {
  return Date.parse(lease.expiresAt) > now;
}

export class LibraryLease {
  private expiresAtMs: number;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private stopped = false;
  private lostMessage: string | null = null;

  private constructor(
    private readonly bucket: ObjectBucket,
    readonly holder: LeaseHolder,
    readonly token: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly onLost: ((message: string) => void) | undefined,
    expiresAtMs: number,
  ) {
    this.expiresAtMs = expiresAtMs;
  }

  /**
   * Takes the library's writer lease, or throws `library_in_use` (a LibraryInUseError) naming
   * the live holder. An expired lease is taken over. Renews itself every ttl/3 until release().
   */
  static async acquire(
    bucket: ObjectBucket,
    holder: LeaseHolder,
    options: LeaseOptions = {},
  ): Promise<LibraryLease> {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!(ttlMs > 0)) throw new QuireError('invalid_argument', 'A lease needs a positive ttl.');
    const now = options.now ?? Date.now;
    const token = crypto.randomBytes(16).toString('hex');
    const current = await readLease(bucket);
    if (current && leaseIsLive(current.lease, now()) && !options.holderGone?.(current.lease.holder))
      throw inUse(bucket, current.lease);
    const at = now();
    const record: LeaseRecord = {
      holder,
      token,
      acquiredAt: new Date(at).toISOString(),
      renewedAt: new Date(at).toISOString(),
      expiresAt: new Date(at + ttlMs).toISOString(),
    };
    try {
      await bucket.putJson(
        LEASE_KEY,
        record,
        current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      );
    } catch (error) {
      if (!(error instanceof QuireError && error.code === 'storage_conflict')) throw error;
      throw inUse(bucket, (await readLease(bucket))?.lease ?? null);
    }
    // Stores that ignore conditional writes (s3rver, some older S3-compatible ones) let two
    // writers both "succeed"; reading back keeps the one whose write landed last. This narrows
    // the race to the moment between the other's write and our read; it does not close it.
    const written = await readLease(bucket);
    if (written?.lease.token !== token) throw inUse(bucket, written?.lease ?? null);
    const lease = new LibraryLease(bucket, holder, token, ttlMs, now, options.onLost, at + ttlMs);
    lease.schedule(lease.renewEveryMs);
    return lease;
  }

  /** When the lease runs out unless renewed. */
  get expiresAt(): Date {
    return new Date(this.expiresAtMs);
  }

  /** Why the lease was lost, or null while it is held. */
  get lost(): string | null {
    return this.lostMessage;
  }

  /** Throws `library_in_use` unless the lease is held and unexpired: call it before writing. */
  assertHeld(): void {
    if (this.lostMessage !== null) throw new QuireError('library_in_use', this.lostMessage);
    if (this.stopped)
      throw new QuireError('library_in_use', `The writer lease of ${this.uri} was released.`);
    if (this.now() >= this.expiresAtMs)
      throw new QuireError(
        'library_in_use',
        `The writer lease of ${this.uri} could not be renewed since it expired at ` +
          `${this.expiresAt.toISOString()}; Quire is not writing until it is renewed.`,
        { retryable: true },
      );
  }

  /** Stops renewing and deletes the lease if it is still ours, so the next writer need not wait. */
  async release(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.renewing;
    if (this.lostMessage !== null) return;
    try {
      const current = await readLease(this.bucket);
      if (current?.lease.token === this.token) await this.bucket.delete(LEASE_KEY);
    } catch (error) {
      // Unreachable storage: the lease expires by itself within the ttl.
      if (!(error instanceof QuireError)) throw error;
    }
  }

  private get uri(): string {
    return this.bucket.uriOf();
  }

  private get renewEveryMs(): number {
    return this.ttlMs / 3;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.lostMessage !== null) return;
    this.timer = setTimeout(() => {
      this.renewing = this.renew().finally(() => (this.renewing = null));
    }, delayMs);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    try {
      const current = await readLease(this.bucket);
      if (this.stopped) return;
      if (current?.lease.token !== this.token) {
        this.lose(
          current
            ? `The writer lease of ${this.uri} was taken by ${describeHolder(current.lease.holder)} ` +
                `at ${current.lease.acquiredAt}. This Quire stopped writing the library.`
            : `The writer lease of ${this.uri} was deleted by someone else. This Quire stopped ` +
                'writing the library.',
        );
        return;
      }
      const at = this.now();
      const record: LeaseRecord = {
        ...current.lease,
        renewedAt: new Date(at).toISOString(),
        expiresAt: new Date(at + this.ttlMs).toISOString(),
      };
      await this.bucket.putJson(LEASE_KEY, record, { ifMatch: current.etag });
      this.expiresAtMs = at + this.ttlMs;
      this.schedule(this.renewEveryMs);
    } catch (error) {
      if (this.stopped) return;
      const reason = error instanceof Error ? error.message : String(error);
      if (this.now() >= this.expiresAtMs) {
        this.lose(
          `The writer lease of ${this.uri} expired at ${this.expiresAt.toISOString()} because ` +
            `it could not be renewed: ${reason} This Quire stopped writing the library.`,
        );
        return;
      }
      // Retried until the lease would expire; the last try falls at the expiry itself.
      const untilExpiry = this.expiresAtMs - this.now();
      this.schedule(Math.min(this.renewEveryMs / 3, untilExpiry));
    }
  }

  private lose(message: string): void {
    if (this.lostMessage !== null || this.stopped) return;
    this.lostMessage = message;
    if (this.timer) clearTimeout(this.timer);
    this.onLost?.(message);
  }
}

function inUse(bucket: ObjectBucket, lease: LeaseRecord | null): QuireError {
  if (lease) return new LibraryInUseError(bucket.uriOf(), lease.holder, new Date(lease.expiresAt));
  return new QuireError(
    'library_in_use',
    `Another Quire took the writer lease of ${bucket.uriOf()} at the same moment. Try again, ` +
      'or open the library with --read-only.',
    { retryable: true },
  );
}

function describeHolder(holder: LeaseHolder): string {
  return `${holder.name} on ${holder.host} (pid ${holder.pid})`;
}
