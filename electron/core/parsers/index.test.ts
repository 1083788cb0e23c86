import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { detectKind, isSupportedPath, openDocument, type OpenOptions } from './index';
import { collect, minimalDocx, pdfFixture, scratchDir, zip } from './test-helpers';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

async function sectionsOf(name: string, data: string | Uint8Array, opts?: OpenOptions) {
  const doc = await openDocument(scratch.write(name, data), opts);
  return { meta: doc.meta, sections: await collect(doc.sections) };
}

async function codeOf(path: string, opts?: OpenOptions): Promise<string> {
  const error = await openDocument(path, opts).then(
    () => 'no error',
    (e: unknown) => (e as { code?: string }).code ?? String(e),
  );
  return error;
}

describe('detectKind', () => {
  it.each([
    ['a.pdf', 'pdf'],
    ['A.PDF', 'pdf'],
    ['notes.md', 'markdown'],
    ['notes.markdown', 'markdown'],
    ['a.txt', 'text'],
    ['a.text', 'text'],
    ['data.csv', 'text'],
    ['server.log', 'text'],
    ['page.html', 'html'],
    ['page.HTM', 'html'],
    ['report.docx', 'docx'],
    ['old.doc', 'other'],
    ['image.png', 'image'],
    ['Scan.TIFF', 'image'],
    ['photo.gif', 'other'],
    ['Makefile', 'other'],
    ['/dir.with.dots/file', 'other'],
  ])('%s -> %s', (path, kind) => {
    expect(detectKind(path)).toBe(kind);
    expect(isSupportedPath(path)).toBe(kind !== 'other');
  });
});

describe('openDocument', () => {
  it('streams Markdown sections with heading paths and file offsets', async () => {
    const text = '# Install\n\nIntro.\n\n## Linux\n\n```\n# comment\n```\nUse apt.\n';
    const { meta, sections } = await sectionsOf('guide.md', text);
    expect(meta).toEqual({ kind: 'markdown', pageCount: null, title: 'Install', warnings: [] });
    expect(sections.map((s) => s.headingPath)).toEqual([['Install'], ['Install', 'Linux']]);
    for (const s of sections)
      expect(text.slice(s.charStart, s.charStart + s.text.length)).toBe(s.text);
  });

  it('hashes the bytes it parsed (SHA-256), so the library need not read the file again', async () => {
    const { createHash } = await import('node:crypto');
    const { readFile } = await import('node:fs/promises');
    for (const [name, data] of [
      ['hashed.txt', 'Some words to hash.\n'],
      ['hashed.pdf', await readFile(pdfFixture('pdfa_crazyones.pdf'))],
    ] as const) {
      const file = scratch.write(name, data);
      const opened = await openDocument(file);
      await opened.close();
      const expected = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      expect(opened.contentHash).toBe(expected);
    }
  });

  it('reads plain text in UTF-8, UTF-16 and Latin-1', async () => {
    const text = 'Crème brûlée für Jürgen.\nSecond line.\n';
    for (const [name, bytes] of [
      ['utf8.txt', Buffer.from(text)],
      ['utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])],
      ['latin1.txt', iconv.encode(text.repeat(3), 'latin1')],
    ] as const) {
      const { meta, sections } = await sectionsOf(name, bytes);
      expect(meta.kind).toBe('text');
      expect(sections).toHaveLength(1);
      expect(sections[0]?.text.startsWith(text)).toBe(true);
      expect(sections[0]?.charStart).toBe(0);
    }
  });

  it('reads HTML, decoding its declared charset', async () => {
    const html =
      '<html><head><meta charset="windows-1252"><title>Café</title></head><body><h1>Menü</h1><p>Crème brûlée</p></body></html>';
    const { meta, sections } = await sectionsOf('page.html', iconv.encode(html, 'windows-1252'));
    expect(meta.title).toBe('Café');
    expect(sections).toEqual([
      { page: null, text: 'Menü\n\nCrème brûlée', charStart: 0, headingPath: ['Menü'] },
    ]);
  });

  it('reads DOCX headings through mammoth', async () => {
    const docx = minimalDocx([
      { text: 'Handbook', heading: 1 },
      { text: 'Welcome & thanks.' },
      { text: 'Install', heading: 2 },
      { text: 'Run the installer.' },
    ]);
    const { meta, sections } = await sectionsOf('handbook.docx', docx);
    expect(meta).toMatchObject({ kind: 'docx', title: 'Handbook' });
    expect(sections).toEqual([
      {
        page: null,
        text: 'Handbook\n\nWelcome & thanks.',
        charStart: 0,
        headingPath: ['Handbook'],
      },
      {
        page: null,
        text: 'Install\n\nRun the installer.',
        charStart: 29,
        headingPath: ['Handbook', 'Install'],
      },
    ]);
  });

  it('says a damaged or protected DOCX cannot be read', async () => {
    expect(await codeOf(scratch.write('bad.docx', zip({ 'hello.txt': 'not a word file' })))).toBe(
      'corrupt_file',
    );
    expect(await codeOf(scratch.write('junk.docx', 'plain text, not a zip'))).toBe('corrupt_file');
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    expect(await codeOf(scratch.write('locked.docx', ole))).toBe('unsupported_type');
  });

  it('refuses binary data behind a text extension', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    expect(await codeOf(scratch.write('photo.txt', png))).toBe('binary_content');
    expect(await codeOf(scratch.write('photo.md', png))).toBe('binary_content');
  });

  it('calls empty and whitespace-only files empty', async () => {
    expect(await codeOf(scratch.write('empty.txt', ''))).toBe('empty_file');
    expect(await codeOf(scratch.write('empty.pdf', ''))).toBe('empty_file');
    expect(await codeOf(scratch.write('blank.md', '  \n\n\t\n'))).toBe('empty_file');
    expect(
      await codeOf(scratch.write('blank.html', '<html><script>x()</script><p> </p></html>')),
    ).toBe('empty_file');
    expect(await codeOf(scratch.write('blank.docx', minimalDocx([{ text: '  ' }])))).toBe(
      'empty_file',
    );
  });

  it('refuses files above maxBytes before reading them', async () => {
    const path = scratch.write('big.txt', 'x'.repeat(2048));
    expect(await codeOf(path, { maxBytes: 1024 })).toBe('too_large');
    const error: unknown = await openDocument(pdfFixture('geotopo_de_117p.pdf'), {
      maxBytes: 1_000_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'too_large',
      message: expect.stringMatching(/1\.7 MB.*1 MB/),
    });
  });

  it('names the extension it cannot read', async () => {
    const error: unknown = await openDocument(scratch.write('slides.pptx', 'x')).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'unsupported_type',
      message: expect.stringContaining('.pptx'),
    });
  });

  it('reports missing files and folders', async () => {
    expect(await codeOf(`${scratch.dir}/nope.pdf`)).toBe('file_missing');
    expect(await codeOf(`${scratch.dir}/nope/inside.md`)).toBe('file_missing');
    mkdirSync(join(scratch.dir, 'folder.md'));
    expect(await codeOf(join(scratch.dir, 'folder.md'))).toBe('unsupported_type');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      await codeOf(scratch.write('a.md', '# A\n\ntext\n'), { signal: controller.signal }),
    ).toBe('cancelled');
  });
});
