// LanceDB with its tables in an S3-compatible bucket (s3rver on loopback), reached with the
// storage options the object-store room derives from a library address.
import { connect, Index, type Connection } from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server';
import { lanceStorageOptions, parseLibraryLocation } from '../object-store';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['team'] });
});
afterAll(async () => {
  await s3.close();
});

async function connectTo(uri: string): Promise<Connection> {
  const location = parseLibraryLocation(uri, s3.env);
  if (location.kind !== 's3') throw new Error('expected an s3 location');
  return connect(location.uri, { storageOptions: lanceStorageOptions(location) });
}

const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      id: `c${n}`,
      text: n % 2 === 0 ? `river delta sediment ${n}` : `mountain pass granite ${n}`,
      vector: [n % 2, 1 - (n % 2), n / 100, 0.5],
    };
  });

describe('LanceDB in a bucket', () => {
  it('creates, appends, indexes and searches a table, and another connection reopens it', async () => {
    const uri = 's3://team/quire/shared';
    const db = await connectTo(uri);
    const table = await db.createTable('chunks', rows(0, 20));
    await table.add([
      ...rows(20, 5),
      { id: 'glacier', text: 'a glacier carved the fjord', vector: [0, 0, 1, 1] },
    ]);
    await table.createIndex('text', { config: Index.fts() });
    const fts = await table.search('fjord', 'fts').limit(5).toArray();
    expect(fts.map((row) => row.id)).toEqual(['glacier']);
    const near = await table.vectorSearch([0, 0, 1, 1]).limit(1).toArray();
    expect(near.map((row) => row.id)).toEqual(['glacier']);

    // The table lives in the bucket under the library's prefix.
    const written = s3.requests.filter((r) => r.method === 'PUT' && r.bucket === 'team');
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((r) => r.key.startsWith('quire/shared/'))).toBe(true);
    expect(written.some((r) => r.key.startsWith('quire/shared/chunks.lance/data/'))).toBe(true);
    expect(written.some((r) => r.key.startsWith('quire/shared/chunks.lance/_indices/'))).toBe(true);

    const other = await connectTo(uri);
    const reopened = await other.openTable('chunks');
    expect(await reopened.countRows()).toBe(26);
    const again = await reopened.search('river', 'fts').limit(50).toArray();
    expect(again).toHaveLength(13);
    await reopened.optimize();
    expect((await reopened.search('fjord', 'fts').limit(5).toArray()).map((r) => r.id)).toEqual([
      'glacier',
    ]);
  });

  it('says whether a table exists through openTable; s3rver lists no table names', async () => {
    const db = await connectTo('s3://team/quire/existence');
    await db.createTable('present', rows(0, 3));
    expect(await (await db.openTable('present')).countRows()).toBe(3);
    await expect(db.openTable('absent')).rejects.toThrow(/Table 'absent' was not found/);
    // tableNames() lists "folders" with a delimiter; s3rver finds a common prefix only for
    // objects one level below it, and a table holds none there (all are in _versions/, data/).
    expect(await db.tableNames()).toEqual([]);
    await db.dropTable('present');
    await expect(db.openTable('present')).rejects.toThrow(/was not found/);
  });
});
