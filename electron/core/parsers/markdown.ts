import type { ParsedSection } from './types';

type Heading = { start: number; bodyStart: number; level: number; text: string };

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FRONT_MATTER_END = /^(---|\.\.\.)[ \t]*$/;

/** Heading text as a reader sees it: no closing #s, links reduced to their label, no emphasis marks. */
export function cleanHeading(raw: string): string {
  return raw
    .replace(/[ \t]+#+[ \t]*$/, '')
    .replace(/^#+$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]+/g, '')
    .replace(/^_+|_+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

type Scan = { headings: Heading[]; title: string | null; contentStart: number };

/** One pass over the lines; keeps only heading positions, so it is cheap to do up front. */
function scan(text: string, allowFrontMatter = true): Scan {
  const headings: Heading[] = [];
  let frontMatterTitle: string | null = null;
  let contentStart = 0;
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  let inFrontMatter = allowFrontMatter && /^---[ \t]*\r?\n/.test(text);
  let prev: { start: number; kind: 'para' | 'other'; text: string } | null = null;
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const next = nl < 0 ? text.length : nl + 1;
    const line = text.slice(pos, nl < 0 ? text.length : nl).replace(/\r$/, '');
    const start = pos;
    pos = next;
    lineNo++;
    if (inFrontMatter) {
      if (lineNo > 1 && FRONT_MATTER_END.test(line)) {
        inFrontMatter = false;
        contentStart = next;
      }
      const m = /^title:\s*["']?(.*?)["']?\s*$/.exec(line);
      if (m?.[1] && frontMatterTitle === null) frontMatterTitle = m[1];
      prev = null;
      continue;
    }
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      prev = null;
      continue;
    }
    if (inComment) {
      if (line.includes('-->')) inComment = false;
      prev = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.[1] && !(open[1][0] === '`' && (open[2] ?? '').includes('`'))) {
      fence = { char: open[1][0] ?? '`', length: open[1].length };
      prev = null;
      continue;
    }
    if (/^ {0,3}<!--/.test(line) && !line.includes('-->')) {
      inComment = true;
      prev = null;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx?.[1]) {
      headings.push({
        start,
        bodyStart: next,
        level: atx[1].length,
        text: cleanHeading(atx[2] ?? ''),
      });
      prev = null;
      continue;
    }
    const setext = SETEXT.exec(line);
    if (setext?.[1] && prev?.kind === 'para') {
      headings.push({
        start: prev.start,
        bodyStart: next,
        level: setext[1][0] === '=' ? 1 : 2,
        text: cleanHeading(prev.text),
      });
      prev = null;
      continue;
    }
    prev =
      line.trim() === ''
        ? null
        : { start, kind: /^ {0,3}([-*+>|]|\d+[.)])/.test(line) ? 'other' : 'para', text: line };
  }
  const h1 = headings.find((h) => h.level === 1 && h.text !== '');
  // An unclosed front matter block was not front matter after all.
  if (inFrontMatter) return scan(text, false);
  return { headings, contentStart, title: frontMatterTitle ?? h1?.text ?? null };
}

export type MarkdownDocument = { title: string | null; sections: () => Generator<ParsedSection> };

/**
 * Splits Markdown into one section per heading, each a verbatim slice of the file text
 * (heading line included) with its heading path. '#' lines inside code fences, HTML
 * comments and front matter are not headings. A section holding only its heading is
 * skipped, because its title already lives in the path of the sections below it.
 */
export function parseMarkdown(text: string): MarkdownDocument {
  const { headings, title, contentStart } = scan(text);
  function* sections(): Generator<ParsedSection> {
    const stack: { level: number; text: string }[] = [];
    let emitted = 0;
    let fallback: ParsedSection | null = null;
    const make = (start: number, end: number, headingPath: string[]): ParsedSection => ({
      page: null,
      text: text.slice(start, end),
      charStart: start,
      headingPath,
    });
    const first = headings[0]?.start ?? text.length;
    if (text.slice(contentStart, first).trim() !== '') {
      emitted++;
      yield make(contentStart, first, []);
    }
    for (let i = 0; i < headings.length; i++) {
      const h = headings[i];
      if (!h) continue;
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= h.level) stack.pop();
      stack.push({ level: h.level, text: h.text });
      const end = headings[i + 1]?.start ?? text.length;
      const section = make(
        h.start,
        end,
        stack.map((s) => s.text).filter((t) => t !== ''),
      );
      if (text.slice(Math.min(h.bodyStart, end), end).trim() === '') {
        fallback ??= section;
        continue;
      }
      emitted++;
      yield section;
    }
    // A file made of headings only still has text worth indexing.
    if (emitted === 0 && fallback) yield fallback;
  }
  return { title, sections };
}
