// Question-phrased searches with no embedding model: the question's words ("what is", "who",
// "how does") must not win the match. The fixture has the shape of a retrieval paper: pages
// that all talk about dense passage retrieval, one page that lists sample questions, and one
// page that defines the term.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { minimalPdf } from '../../../test/helpers/parser-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

/** Escaped for a PDF string and wrapped to lines that fit the page. */
const pdfText = (s: string) =>
  s
    .replace(/[()\\]/g, (c) => `\\${c}`)
    .replace(/(.{1,70})(?: |$)/g, '$1\n')
    .trimEnd();

const PAGES = [
  'Abstract. Open-domain question answering needs good passage retrieval before the reader: we show that dense vectors beat word matching on several benchmarks, by a wide margin in top-20 accuracy.',
  'Background. Sparse retrieval such as TF-IDF or BM25 ranks each passage by the words it shares with the question; it is fast, well understood and hard to beat on keyword questions, unlike dense models.',
  'Sample questions from the benchmarks: What is the name of the river that runs through Paris? Who played the lead in Casablanca? What is the capital of Peru? Who wrote Hamlet? How does a bill become law? What is the tallest mountain in Africa? Who painted the ceiling of the chapel? How does rain form? What is the boiling point of water? Who was the first person on the moon? What is a sonnet? Who invented the telephone?',
  'Method. We introduce the dense passage retriever (DPR): a dense encoder maps any text passage to a real-valued vector, and an index holds all of them; it works by encoding the question the same way and taking the closest vectors.',
  'Experiments. Our dense model outperforms the sparse baseline in top-20 passage accuracy on four of five datasets; the errors of the retrieval step are analysed in the appendix, with examples.',
  'Conclusion. Dense vectors make the first stage of question answering practical at scale and need no hand-built index of words; we release the retrieval code and every trained passage encoder.',
];

describe('question-phrased searches (full text only)', { timeout: 120_000 }, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore;

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    const file = path.join(dir, 'dpr-paper.pdf');
    fs.writeFileSync(file, minimalPdf(PAGES.map(pdfText)));
    core = await makeTestCore(path.join(dir, 'data'));
    await core.library.add([file]);
    await core.library.whenIdle();
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await remove?.();
  });

  const pages = async (query: string) =>
    (await core.retriever.search(query, { mode: 'text', k: 6 })).hits.map((h) => h.pageStart);

  it.each([
    'What is dense passage retrieval?',
    'Who introduced dense passage retrieval?',
    'How does dense passage retrieval work?',
    'what is the dense passage retriever',
  ])('ranks the defining page first: %s', async (query) => {
    expect((await pages(query))[0]).toBe(4);
  });

  it('still finds the page of questions when asked about its content', async () => {
    expect((await pages('Who wrote Hamlet?'))[0]).toBe(3);
  });

  it('says whether the paper covers a question, before anything is written', async () => {
    const covered = await core.retriever.retrieve('What is the dense passage retriever?');
    expect(covered.coverage).toMatchObject({ covered: true });
    expect(covered.coverage!.signals.cover1).toBe(1);
    const elsewhere = await core.retriever.retrieve('Which enzyme digests starch in saliva?');
    expect(elsewhere.coverage).toMatchObject({ covered: false });
  });
});
