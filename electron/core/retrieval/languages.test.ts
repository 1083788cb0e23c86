// Full-text search across languages through the real library: real workers, real LanceDB.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { makeTestCore, PDF_DIR } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

const JAPANESE =
  '# 研究概要\n\n本研究では、固有表現抽出と機械学習を組み合わせた新しい手法を提案する。' +
  '実験の結果、提案手法は従来手法よりも高い精度を達成した。\n';
const JAPANESE_OTHER =
  '# 日記\n\n今日は天気が良かったので、公園で散歩をしました。桜の花がとても綺麗でした。\n';
const ENGLISH = '# Notes\n\nThe keeper climbs the tower at dusk and lights the lamp.\n';

describe('search in every language', { timeout: 300_000 }, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore;
  const byName = new Map<string, { id: string; language?: string | null }>();

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    const docs = path.join(dir, 'docs');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'kenkyu.md'), JAPANESE);
    fs.writeFileSync(path.join(docs, 'nikki.md'), JAPANESE_OTHER);
    fs.writeFileSync(path.join(docs, 'lighthouse.md'), ENGLISH);
    core = await makeTestCore(path.join(dir, 'data'));
    await core.library.add([
      docs,
      path.join(PDF_DIR, 'korean_text_with_tables.pdf'),
      path.join(PDF_DIR, 'geotopo_de_117p.pdf'),
    ]);
    await core.library.whenIdle();
    for (const d of core.library.documents()) byName.set(d.name, d);
  }, 300_000);
  afterAll(async () => {
    await core?.close();
    await remove?.();
  });

  const titles = async (query: string) =>
    (await core.retriever.search(query, { mode: 'text', k: 5 })).hits.map((h) => h.title);

  it('stores each document’s language', () => {
    expect(byName.get('kenkyu.md')?.language).toBe('ja');
    expect(byName.get('lighthouse.md')?.language).toBe('en');
    expect(byName.get('korean_text_with_tables.pdf')?.language).toBe('ko');
    expect(byName.get('geotopo_de_117p.pdf')?.language).toBe('de');
  });

  it.each(['機械学習', '固有表現'])(
    'finds the Japanese document from a word inside a sentence: %s',
    async (query) => {
      expect(await titles(query)).toEqual(['kenkyu.md']);
    },
  );

  it('finds the Korean document from a word without its particle or compound', async () => {
    expect((await titles('온라인쇼핑'))[0]).toBe('korean_text_with_tables.pdf');
    expect((await titles('커피전문점 적립'))[0]).toBe('korean_text_with_tables.pdf');
  });

  it('finds the German document from an inflected form', async () => {
    const result = await core.retriever.search('Abbildungen kompakter Räume', {
      mode: 'text',
      k: 5,
    });
    expect(result.hits[0]?.title).toBe('geotopo_de_117p.pdf');
    expect(result.hits[0]!.text).toMatch(/Abbildung|kompakt|Raum/);
  });

  it('still finds English by stem', async () => {
    expect((await titles('keepers climbing towers'))[0]).toBe('lighthouse.md');
  });
});
