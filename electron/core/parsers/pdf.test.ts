import { afterAll, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import { openDocument, type ParseMeta, type ParsedSection } from './index';
import { collect, minimalPdf, pdfFixture, scratchDir } from '../../../test/helpers/parser-fixtures';

type Parsed = { sections: ParsedSection[]; meta: ParseMeta };
const parsed = new Map<string, Promise<Parsed>>();

/** Parses each fixture once per file run; the big ones take seconds. */
function parse(name: string, password?: string): Promise<Parsed> {
  const key = `${name}\0${password ?? ''}`;
  let result = parsed.get(key);
  if (!result) {
    result = openDocument(pdfFixture(name), { password }).then(async (doc) => ({
      sections: await collect(doc.sections),
      meta: doc.meta,
    }));
    parsed.set(key, result);
  }
  return result;
}

async function failure(name: string, password?: string): Promise<QuireError> {
  const error: unknown = await openDocument(pdfFixture(name), { password }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QuireError);
  return error as QuireError;
}

const allText = (sections: ParsedSection[]): string => sections.map((s) => s.text).join('\n');

// The big fixtures take seconds each; allow for slow, busy CI machines.
describe('PDF parser on real fixtures', { timeout: 180_000 }, () => {
  it.each([
    ['acl_naacl06_two_column_paper.pdf', 8, 'Preemptive Information Extraction'],
    ['latex_two_column_lorem.pdf', 3, 'Lorem ipsum dolor sit amet'],
    ['irs_i1040nr_instructions_50p.pdf', 50, 'Nonresident Alien Income Tax Return'],
    ['geotopo_de_117p.pdf', 117, 'Geometrie und Topologie'],
    ['korean_text_with_tables.pdf', 1, '적립 제외 대상'],
    ['pdfa_crazyones.pdf', 1, 'The Crazy Ones'],
    // RC4 with an empty user password: permissions only, opens without asking.
    ['dmca_summary_18p_rc4.pdf', 18, 'DIGITAL MILLENNIUM COPYRIGHT ACT'],
  ])('%s opens with text on its pages', async (name, pages, phrase) => {
    const { sections, meta } = await parse(name);
    expect(meta).toMatchObject({ kind: 'pdf', pageCount: pages, warnings: [] });
    expect(allText(sections)).toContain(phrase);
    // One section per page, in order, each starting at offset 0 of its page text.
    expect(sections.map((s) => s.page)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    for (const s of sections) expect(s).toMatchObject({ charStart: 0, headingPath: [] });
  });

  it('puts text on the right page of the 117-page German PDF', async () => {
    const { sections } = await parse('geotopo_de_117p.pdf');
    const page = (n: number): string => sections.find((s) => s.page === n)?.text ?? '';
    expect(page(50)).toContain('Er heißt zusammengesetzter Weg');
    expect(page(50)).toContain('Abbildung 3.3: Beispiele für (nicht)-Homotopie von Wegen');
    expect(page(49)).not.toContain('zusammengesetzter Weg');
    expect(page(49)).toContain('Abbildung 3.2: Zwei Wege im R2');
  });

  it('reads the title from the document info', async () => {
    expect((await parse('geotopo_de_117p.pdf')).meta.title).toBe('Geometrie und Topologie');
  });

  it('asks for a password, rejects a wrong one and opens with the right one', async () => {
    expect((await failure('encrypted_userpw_openpassword.pdf')).code).toBe('password_required');
    const wrong = await failure('encrypted_userpw_openpassword.pdf', 'not-the-password');
    expect(wrong.code).toBe('wrong_password');
    expect(wrong.message).not.toMatch(/exception|stack/i);
    const { sections } = await parse('encrypted_userpw_openpassword.pdf', 'openpassword');
    expect(sections).toHaveLength(1);
    expect(sections[0]?.text.trim().length).toBeGreaterThan(100);
  });

  it('recovers all text of the PDF with a corrupt zlib stream', async () => {
    // The damage is in the stream's Adler-32 checksum (the data itself inflates fully) and
    // the /Length points at an empty object. pdfjs ignores the checksum and finds
    // `endstream` itself, so the whole page is recovered without a warning.
    const { sections, meta } = await parse('corrupted_zlib_stream.pdf');
    expect(meta.warnings).toEqual([]);
    expect(sections).toHaveLength(1);
    const text = allText(sections);
    expect(
      text.startsWith('Beautiful is better than ugly.\nExplicit is better than implicit.\n'),
    ).toBe(true);
    expect(text).toContain('Namespaces are one honking great idea −− let’s do more of those!');
  });

  it('reports a scan without a text layer', async () => {
    const error = await failure('scanned_loremipsum_image_only.pdf');
    expect(error.code).toBe('no_text_layer');
    expect(error.message).toMatch(/OCR/);
  });

  it('says a damaged file is corrupt', async () => {
    const dir = scratchDir();
    try {
      const path = dir.write('broken.pdf', '%PDF-1.7\n' + 'garbage '.repeat(200));
      const error: unknown = await openDocument(path).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'corrupt_file' });
    } finally {
      dir.cleanup();
    }
  });

  describe('on generated PDFs', () => {
    const dir = scratchDir();
    afterAll(() => dir.cleanup());
    const open = async (pages: Parameters<typeof minimalPdf>[0]) => {
      const doc = await openDocument(dir.write('generated.pdf', minimalPdf(pages)));
      const sections = await collect(doc.sections);
      return { meta: doc.meta, pages: sections.map((s) => [s.page, s.text]) };
    };

    it('skips blank pages, keeps page numbers and says how many were blank', async () => {
      const { meta, pages } = await open([null, 'Hello two', null, 'Hello four']);
      expect(pages).toEqual([
        [2, 'Hello two'],
        [4, 'Hello four'],
      ]);
      expect(meta.warnings).toEqual([
        { code: 'no_text_layer', message: expect.stringContaining('2 of 4 pages') },
      ]);
    });

    it('skips a page that cannot be loaded and warns', async () => {
      const { meta, pages } = await open(['One', 'broken']);
      expect(pages).toEqual([[1, 'One']]);
      expect(meta.warnings).toEqual([
        {
          code: 'corrupt_file',
          message: 'Page 2 could not be read and was skipped.',
          pages: [2],
        },
      ]);
    });

    it('calls a PDF with only blank pages a scan and one with no readable page corrupt', async () => {
      await expect(open([null, null])).rejects.toMatchObject({ code: 'no_text_layer' });
      await expect(open(['broken'])).rejects.toMatchObject({ code: 'corrupt_file' });
    });
  });

  it('stops promptly when aborted mid-document', async () => {
    const controller = new AbortController();
    const doc = await openDocument(pdfFixture('geotopo_de_117p.pdf'), {
      signal: controller.signal,
    });
    const pages: number[] = [];
    const run = (async () => {
      for await (const s of doc.sections) {
        pages.push(s.page ?? 0);
        if (pages.length === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(pages.length).toBeLessThan(5);
  });

  it('releases the document when the consumer stops early or never iterates', async () => {
    const doc = await openDocument(pdfFixture('irs_i1040nr_instructions_50p.pdf'));
    for await (const s of doc.sections) {
      expect(s.page).toBe(1);
      break;
    }
    await doc.close();
    const unused = await openDocument(pdfFixture('dmca_summary_18p_rc4.pdf'));
    await unused.close();
    await unused.close();
  });
});
