import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { describe, expect, it } from 'vitest';
import { search } from '../retrieval/search';
import { META_FILE } from './meta';
import { openStore } from './open-store';
import { makeChunk, tempDir } from '../../../test/helpers/store-fixtures';

describe('schema v1 → v2 (fts_text)', () => {
  it('adds the full-text column to old rows and searches them on the new index', async () => {
    const tmp = await tempDir('quire-fts-migration-');
    try {
      const store = await openStore({ dir: tmp.dir, dims: 4 });
      await store.replaceDocumentChunks('old', [makeChunk(0, 'Glaciers, carving icebergs.')]);
      await store.close();

      // Turn it into a v1 store: no fts_text, the old index settings in the meta file.
      const db = await connect(tmp.dir);
      const chunks = await db.openTable('chunks');
      await chunks.dropIndex('fts_text_idx');
      await chunks.dropColumns(['fts_text']);
      chunks.close();
      const metaPath = join(tmp.dir, META_FILE);
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
      await writeFile(metaPath, JSON.stringify({ ...meta, schemaVersion: 1, fts: '{"v1":true}' }));

      const reopened = await openStore({ dir: tmp.dir, dims: 4 });
      try {
        const [chunk] = await reopened.getChunks('old');
        expect(chunk!.ftsText).toBe('glaciers carving icebergs ');
        const result = await search(reopened, {
          query: 'iceberg',
          mode: 'text',
          k: 3,
          resolveDocuments: async () => new Map(),
        });
        expect(result.hits.map((h) => h.chunkId)).toEqual(['old:0']);
      } finally {
        await reopened.close();
      }
    } finally {
      await tmp.cleanup();
    }
  });
});
