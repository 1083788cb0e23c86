import { describe, expect, it } from 'vitest';
import { cleanHeading, parseMarkdown } from './markdown';

const sectionsOf = (text: string) => [...parseMarkdown(text).sections()];

const DOC = `Intro before any heading.

# Guide

Welcome.

## Install

### Linux

Run \`apt install quire\`.

\`\`\`bash
# not a heading: a shell comment
echo hi
\`\`\`

~~~
## also not a heading
~~~

### macOS

Drag the app.

## Use

Ask questions.
`;

describe('parseMarkdown', () => {
  it('keeps the heading path of every section', () => {
    const sections = sectionsOf(DOC);
    expect(sections.map((s) => s.headingPath)).toEqual([
      [],
      ['Guide'],
      ['Guide', 'Install', 'Linux'],
      ['Guide', 'Install', 'macOS'],
      ['Guide', 'Use'],
    ]);
    expect(parseMarkdown(DOC).title).toBe('Guide');
  });

  it('ignores # lines inside code fences', () => {
    const linux = sectionsOf(DOC).find((s) => s.headingPath.at(-1) === 'Linux');
    expect(linux?.text).toContain('# not a heading: a shell comment');
    expect(linux?.text).toContain('## also not a heading');
  });

  it('gives offsets into the original file text', () => {
    for (const s of sectionsOf(DOC)) {
      expect(DOC.slice(s.charStart, s.charStart + s.text.length)).toBe(s.text);
      expect(s.page).toBeNull();
    }
  });

  it('drops sections that hold only their heading', () => {
    // "## Install" has no body of its own before "### Linux".
    expect(sectionsOf(DOC).some((s) => s.headingPath.join('/') === 'Guide/Install')).toBe(false);
    expect(sectionsOf('# Only a title\n')).toEqual([
      { page: null, text: '# Only a title\n', charStart: 0, headingPath: ['Only a title'] },
    ]);
  });

  it('reads setext headings and leaves thematic breaks and lists alone', () => {
    const text = 'Title\n=====\n\nBody.\n\nPart\n----\n\nMore.\n\n---\n\n- item\n---\n';
    const sections = sectionsOf(text);
    expect(sections.map((s) => s.headingPath)).toEqual([['Title'], ['Title', 'Part']]);
    expect(sections[1]?.text).toContain('- item');
  });

  it('skips front matter and takes its title', () => {
    const text = '---\ntitle: "Release notes"\ntags: [a]\n---\n\nPlain start.\n\n# 1.0\n\nFirst.\n';
    const doc = parseMarkdown(text);
    expect(doc.title).toBe('Release notes');
    const sections = [...doc.sections()];
    expect(sections[0]).toMatchObject({ text: '\nPlain start.\n\n', headingPath: [] });
    expect(text.slice(sections[0]?.charStart)).toMatch(/^\nPlain start/);
  });

  it('handles CRLF, closing hashes and HTML comments', () => {
    const text = '# A #\r\ntext\r\n<!--\r\n# hidden\r\n-->\r\n## B ##\r\nmore\r\n';
    expect(sectionsOf(text).map((s) => s.headingPath)).toEqual([['A'], ['A', 'B']]);
  });

  it('cleans heading text for display', () => {
    expect(cleanHeading('Use **`quire`** with [Ollama](https://ollama.com) ##')).toBe(
      'Use quire with Ollama',
    );
    expect(cleanHeading('_snake_case_name_')).toBe('snake_case_name');
  });

  it('does not treat #hashtags as headings', () => {
    expect(sectionsOf('#hashtag line\nmore\n')).toEqual([
      { page: null, text: '#hashtag line\nmore\n', charStart: 0, headingPath: [] },
    ]);
  });
});
