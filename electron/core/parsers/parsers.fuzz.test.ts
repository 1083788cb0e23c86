// Every parser on random, truncated and damaged bytes: a parse result or a QuireError with a
// document code, never another throw and never a hang (each case has its own time limit).
// A failure prints fast-check's seed and path; pass them back as { seed, path } to replay it.
import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isQuireError, type ErrorCode } from '../../../shared/errors';
import { openDocument } from '.';
import {
  minimalDocx,
  minimalPdf,
  pdfFixture,
  scratchDir,
  zip,
} from '../../../test/helpers/parser-fixtures';

const CASE_TIMEOUT_MS = 20_000;

/** The codes a document may fail with; anything else (or a plain Error) is a parser bug. */
const DOCUMENT_CODES: ErrorCode[] = [
  'corrupt_file',
  'empty_file',
  'binary_content',
  'password_required',
  'wrong_password',
  'no_text_layer',
  'too_large',
];

type Outcome =
  { kind: 'parsed'; sections: number; warnings: string[] } | { kind: 'failed'; code: ErrorCode };

const scratch = scratchDir();
afterAll(() => scratch.cleanup());
afterEach((context) => {
  console.info(`${context.task.name}: ${JSON.stringify(Object.fromEntries(tally))}`);
  tally.clear();
});
let fileNumber = 0;

async function parse(ext: string, bytes: Uint8Array): Promise<Outcome> {
  const file = scratch.write(`case-${fileNumber++}${ext}`, bytes);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung on ${file}`)), CASE_TIMEOUT_MS);
  });
  const run = async (): Promise<Outcome> => {
    try {
      const doc = await openDocument(file);
      let sections = 0;
      for await (const section of doc.sections) {
        expect(typeof section.text).toBe('string');
        expect(Number.isInteger(section.charStart)).toBe(true);
        sections++;
      }
      return { kind: 'parsed', sections, warnings: doc.meta.warnings.map((w) => w.code) };
    } catch (error) {
      if (!isQuireError(error)) throw error;
      return { kind: 'failed', code: error.code };
    }
  };
  try {
    return await Promise.race([run(), hang]);
  } finally {
    clearTimeout(timer);
    fs.rmSync(file, { force: true });
  }
}

const tally = new Map<string, number>();

function expectDocumentOutcome(outcome: Outcome): void {
  const key = outcome.kind === 'failed' ? outcome.code : 'parsed';
  tally.set(key, (tally.get(key) ?? 0) + 1);
  if (outcome.kind === 'failed') expect(DOCUMENT_CODES).toContain(outcome.code);
  else for (const code of outcome.warnings) expect(DOCUMENT_CODES).toContain(code);
}

/** Truncates, flips bytes in, or splices random bytes into a valid file. */
const damaged = (valid: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
    fc
      .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 20,
      })
      .map((flips) => {
        const copy = valid.slice();
        for (const [at, value] of flips) copy[at] = value;
        return copy;
      }),
    fc
      .tuple(fc.nat({ max: valid.length }), fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(([at, noise]) => new Uint8Array([...valid.slice(0, at), ...noise, ...valid.slice(at)])),
  );

const randomBytes = fc.uint8Array({ maxLength: 4096 });
const options = (numRuns: number) => ({ numRuns, timeout: CASE_TIMEOUT_MS + 5000 });

describe('parsers under random and damaged bytes (properties)', () => {
  const smallPdf = new Uint8Array(minimalPdf(['First page text.', null, 'Third page text.']));
  const realPdf = new Uint8Array(fs.readFileSync(pdfFixture('pdfa_crazyones.pdf')));
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const docxXml =
    `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>` +
    '<w:p><w:r><w:t>First paragraph.</w:t></w:r></w:p><w:p><w:r><w:t>Second one.</w:t></w:r></w:p>' +
    '</w:body></w:document>';
  const docx = new Uint8Array(
    minimalDocx([{ text: 'Title', heading: 1 }, { text: 'A paragraph of text.' }]),
  );

  it('PDF: random, truncated and damaged files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          randomBytes,
          randomBytes.map((b) => new Uint8Array([...Buffer.from('%PDF-1.7\n'), ...b])),
          damaged(smallPdf),
          damaged(realPdf),
        ),
        async (bytes) => expectDocumentOutcome(await parse('.pdf', bytes)),
      ),
      options(500),
    );
  });

  it('DOCX: random bytes, damaged files, and zips with the wrong contents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          randomBytes,
          damaged(docx),
          // A sound zip around damaged XML: truncated, or random tags and text.
          fc
            .oneof(
              fc.nat({ max: docxXml.length }).map((n) => docxXml.slice(0, n)),
              fc
                .array(
                  fc.oneof(
                    fc.constantFrom(
                      '<w:p>',
                      '</w:p>',
                      '<w:r>',
                      '<w:t>',
                      '</w:t>',
                      '<w:body>',
                      '<w:pStyle w:val="Heading1"/>',
                      '&amp;',
                      '&bogus;',
                      '<![CDATA[',
                    ),
                    fc.string({ maxLength: 10 }),
                  ),
                  { maxLength: 60 },
                )
                .map((parts) => `<w:document ${W}>${parts.join('')}`),
            )
            .map((xml) => new Uint8Array(minimalDocx([], xml))),
          fc
            .dictionary(
              fc.constantFrom('word/document.xml', '[Content_Types].xml', '_rels/.rels', 'x'),
              fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
            )
            .map((entries) => new Uint8Array(zip(entries))),
        ),
        async (bytes) => expectDocumentOutcome(await parse('.docx', bytes)),
      ),
      options(500),
    );
  });

  it('HTML, Markdown and text: any bytes, any encoding marks', async () => {
    const marks = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('.html', '.md', '.txt', '.csv'),
        fc.constantFrom(...marks),
        fc.oneof(
          randomBytes,
          fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => new TextEncoder().encode(s)),
          fc
            .array(
              fc.constantFrom(
                '<p>',
                '</p>',
                '<h1>',
                '# ',
                '\n',
                '<meta charset="shift_jis">',
                '<script>',
                '<!--',
                '```',
                'text ',
                '\u0000',
              ),
              { maxLength: 200 },
            )
            .map((parts) => new TextEncoder().encode(parts.join(''))),
        ),
        async (ext, mark, bytes) => {
          const outcome = await parse(ext, new Uint8Array([...mark, ...bytes]));
          expectDocumentOutcome(outcome);
        },
      ),
      options(1000),
    );
  });
});
