// The writer lease against a real S3 API (s3rver on loopback), with real timers and short ttls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import { quireErrorOf } from '../../../test/helpers/quire-error';
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server';
import { waitFor } from '../../../test/helpers/temp-dir';
import {
  LEASE_KEY,
  LibraryInUseError,
  LibraryLease,
  createObjectBucket,
  type ObjectBucket,
  leaseIsLive,
  readLease,
  type LeaseHolder,
  type LeaseRecord,
} from './index';

const ANA: LeaseHolder = { name: 'ana', host: 'desk-1', pid: 101 };
const BEN: LeaseHolder = { name: 'ben', host: 'laptop-2', pid: 202 };

let s3: S3Server;
let prefixCount = 0;
const leases: LibraryLease[] = [];
const buckets: ObjectBucket[] = [];

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['lib'] });
});
afterEach(async () => {
  s3.setReachable(true);
  for (const lease of leases.splice(0)) await lease.release();
  for (const bucket of buckets.splice(0)) bucket.close();
});
afterAll(async () => {
  await s3.close();
});

/** A fresh library prefix, and a second client for it, as another Quire would have. */
function freshLibrary(): [ObjectBucket, ObjectBucket] {
  const location = s3.locate(`s3://lib/lease-${++prefixCount}`);
  const pair: [ObjectBucket, ObjectBucket] = [
    createObjectBucket(location),
    createObjectBucket(location),
  ];
  buckets.push(...pair);
  return pair;
}

async function acquire(...args: Parameters<typeof LibraryLease.acquire>) {
  const lease = await LibraryLease.acquire(...args);
  leases.push(lease);
  return lease;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LibraryLease', () => {
  it('is taken by the first writer and refused to the next, naming the holder and until when', async () => {
    const [mine, theirs] = freshLibrary();
    const lease = await acquire(mine, ANA);
    const stored = await readLease(theirs);
    expect(stored?.lease).toMatchObject({ holder: ANA, token: lease.token });
    expect(Date.parse(stored!.lease.expiresAt) - Date.parse(stored!.lease.acquiredAt)).toBe(30_000);

    const refused = await quireErrorOf(LibraryLease.acquire(theirs, BEN));
    expect(refused).toBeInstanceOf(LibraryInUseError);
    expect(refused.code).toBe('library_in_use');
    expect(refused.message).toBe(
      `The library in s3://lib/lease-${prefixCount} is being written by ana on desk-1 (pid 101) ` +
        `until ${stored!.lease.expiresAt}. Open it with --read-only, or wait until then.`,
    );
    expect((refused as LibraryInUseError).holder).toEqual(ANA);
    expect((refused as LibraryInUseError).expiresAt.toISOString()).toBe(stored!.lease.expiresAt);
    expect((await readLease(theirs))?.lease.token).toBe(lease.token);
  });

  it('is taken over once a writer that stopped renewing lets it expire', async () => {
    const [mine, theirs] = freshLibrary();
    // What a writer that crashed leaves behind: a lease nobody renews, live for a moment more.
    const crashed: LeaseRecord = {
      holder: BEN,
      token: 'crashed-writer',
      acquiredAt: new Date(Date.now() - 5_000).toISOString(),
      renewedAt: new Date(Date.now() - 300).toISOString(),
      expiresAt: new Date(Date.now() + 400).toISOString(),
    };
    await theirs.putJson(LEASE_KEY, crashed);
    expect((await quireErrorOf(LibraryLease.acquire(mine, ANA))).code).toBe('library_in_use');

    await sleep(Date.parse(crashed.expiresAt) - Date.now() + 50);
    const lease = await acquire(mine, ANA, { ttlMs: 2_000 });
    const stored = (await readLease(theirs))!.lease;
    expect(stored).toMatchObject({ holder: ANA, token: lease.token });
    expect(leaseIsLive(stored)).toBe(true);
  });

  it('renews itself, so that it outlives its ttl while its writer runs', async () => {
    const [mine, theirs] = freshLibrary();
    const lost: string[] = [];
    const lease = await acquire(mine, ANA, { ttlMs: 600, onLost: (m) => lost.push(m) });
    const firstExpiry = lease.expiresAt.getTime();
    await sleep(1_500);
    const stored = (await readLease(theirs))!.lease;
    expect(stored.token).toBe(lease.token);
    expect(leaseIsLive(stored)).toBe(true);
    expect(lease.expiresAt.getTime()).toBeGreaterThan(firstExpiry + 600);
    expect(() => lease.assertHeld()).not.toThrow();
    expect((await quireErrorOf(LibraryLease.acquire(theirs, BEN, { ttlMs: 600 }))).code).toBe(
      'library_in_use',
    );
    expect(lost).toEqual([]);
  });

  it('is free for the next writer at once after release', async () => {
    const [mine, theirs] = freshLibrary();
    const lease = await acquire(mine, ANA);
    await lease.release();
    expect(await readLease(theirs)).toBeNull();
    expect(() => lease.assertHeld()).toThrow(/released/);
    const next = await acquire(theirs, BEN);
    expect((await readLease(mine))?.lease).toMatchObject({ holder: BEN, token: next.token });
    // A second release, or a release of a lease someone else now holds, deletes nothing.
    await lease.release();
    expect((await readLease(mine))?.lease.token).toBe(next.token);
  });

  it('reports a lease another writer took as lost, and leaves theirs alone on release', async () => {
    const [mine, theirs] = freshLibrary();
    const lost: string[] = [];
    const lease = await acquire(mine, ANA, { ttlMs: 600, onLost: (m) => lost.push(m) });
    // Another Quire that judged the lease expired (this one paused, say) and took it.
    const taken: LeaseRecord = {
      holder: BEN,
      token: 'ben-token',
      acquiredAt: new Date().toISOString(),
      renewedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
    await theirs.putJson(LEASE_KEY, taken);
    await waitFor(() => lost.length > 0, 3_000);
    expect(lost).toEqual([
      expect.stringContaining(`was taken by ben on laptop-2 (pid 202) at ${taken.acquiredAt}`),
    ]);
    expect(lease.lost).toBe(lost[0]);
    expect(() => lease.assertHeld()).toThrow(/taken by ben/);
    await lease.release();
    expect((await readLease(theirs))?.lease).toEqual(taken);
  });

  it('retries a failed renewal, and holds on when the storage comes back before expiry', async () => {
    const [mine, theirs] = freshLibrary();
    const lost: string[] = [];
    const lease = await acquire(mine, ANA, { ttlMs: 1_500, onLost: (m) => lost.push(m) });
    await sleep(100);
    s3.setReachable(false);
    s3.requests.length = 0;
    await sleep(700);
    s3.setReachable(true);
    await sleep(900);
    expect(lost).toEqual([]);
    expect((await readLease(theirs))?.lease.token).toBe(lease.token);
    expect(lease.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // Renewals went on after the outage (requests are only counted while reachable).
    expect(s3.requests.some((r) => r.method === 'PUT' && r.key.endsWith(LEASE_KEY))).toBe(true);
  });

  it('reports a lease it could not renew before it expired as lost', async () => {
    const [mine] = freshLibrary();
    const lost: { message: string; at: number }[] = [];
    const lease = await acquire(mine, ANA, {
      ttlMs: 600,
      onLost: (message) => lost.push({ message, at: Date.now() }),
    });
    s3.setReachable(false);
    await waitFor(() => lost.length > 0, 5_000);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.at).toBeGreaterThanOrEqual(lease.expiresAt.getTime());
    expect(lost[0]!.message).toMatch(/could not be renewed: Could not reach the storage/);
    expect(() => lease.assertHeld()).toThrow(QuireError);
    await sleep(400);
    expect(lost).toHaveLength(1);
  });
});
