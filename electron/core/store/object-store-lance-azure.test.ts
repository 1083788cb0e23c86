// LanceDB with its tables in an Azure container (Azurite on loopback), reached with the storage
// options the object-store room derives from an az:// address.
import { connect, Index, type Connection } from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureServer, type AzureServer } from '../../../test/helpers/azure-server';
import { lanceStorageOptions } from '../object-store';

let azure: AzureServer;
beforeAll(async () => {
  azure = await startAzureServer({ containers: ['team'] });
}, 30_000);
afterAll(async () => {
  await azure?.close();
});

async function connectTo(uri: string): Promise<Connection> {
  const location = azure.locate(uri);
  return connect(location.uri, { storageOptions: lanceStorageOptions(location) });
}

const rows = (tag: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${tag}${from + i}`,
    text: (from + i) % 2 === 0 ? `river delta ${from + i}` : `granite pass ${from + i}`,
    vector: [(from + i) % 2, 1 - ((from + i) % 2), 0.5],
  }));

describe('LanceDB in an Azure container', () => {
  it('creates, appends, indexes and searches a table, and another connection lists and reopens it', async () => {
    const db = await connectTo('az://team/quire/shared');
    const table = await db.createTable('chunks', rows('c', 0, 20));
    await table.add([{ id: 'glacier', text: 'a glacier carved the fjord', vector: [0, 0, 1] }]);
    await table.createIndex('text', { config: Index.fts() });
    expect((await table.search('fjord', 'fts').limit(5).toArray()).map((r) => r.id)).toEqual([
      'glacier',
    ]);
    const other = await connectTo('az://team/quire/shared');
    // Unlike s3rver, Azurite lists the table "folders", so tableNames() works here.
    expect(await other.tableNames()).toEqual(['chunks']);
    expect(await (await other.openTable('chunks')).countRows()).toBe(21);
  });

  it('keeps every row when two writers append at the same moment: Azure honours conditional writes', async () => {
    // The same race on s3rver, which ignores If-None-Match, ends with 2,100 rows: one append lost.
    for (let round = 0; round < 3; round++) {
      const uri = `az://team/quire/race-${round}`;
      const first = await connectTo(uri);
      await first.createTable('chunks', rows('seed', 0, 2000));
      const second = await connectTo(uri);
      const [mine, theirs] = [await first.openTable('chunks'), await second.openTable('chunks')];
      await Promise.all([mine.add(rows('a', 0, 100)), theirs.add(rows('b', 0, 100))]);
      const counted = await (await (await connectTo(uri)).openTable('chunks')).countRows();
      expect(counted, `round ${round}`).toBe(2200);
    }
  }, 60_000);
});

describe('LanceDB in an Azure container, with a SAS token instead of the account key', () => {
  it('writes and reads a table with a token limited to the container', async () => {
    const token = await azure.containerSas('team', 'racwdl');
    const env = {
      AZURE_STORAGE_ACCOUNT_NAME: azure.env.AZURE_STORAGE_ACCOUNT_NAME!,
      AZURE_STORAGE_ENDPOINT: azure.env.AZURE_STORAGE_ENDPOINT!,
      AZURE_STORAGE_SAS_TOKEN: token,
    };
    const location = azure.locate('az://team/quire/sas', env);
    expect(location.credentials).toEqual({ sasToken: token });
    const db = await connect(location.uri, { storageOptions: lanceStorageOptions(location) });
    await db.createTable('chunks', rows('s', 0, 10));
    const again = await connect(location.uri, { storageOptions: lanceStorageOptions(location) });
    expect(await (await again.openTable('chunks')).countRows()).toBe(10);
  });
});
