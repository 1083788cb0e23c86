import { Parser } from 'htmlparser2';
import type { ParsedSection } from './types';

/** Content a reader never sees. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'title',
]);
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'ul',
]);
const SEPARATOR = '\n\n';

type Block = { text: string; level: number };
type Frame = { name: string; skipped: boolean };

function headingLevel(name: string): number {
  return /^h[1-6]$/.test(name) ? Number(name[1]) : 0;
}

/** Collects visible text as blocks: paragraphs, list items, table rows, pre, headings. */
function collectBlocks(html: string): { blocks: Block[]; title: string } {
  const blocks: Block[] = [];
  const stack: Frame[] = [];
  let parts: string[] = [];
  let title = '';
  let skipDepth = 0;
  let inTitle = false;
  let preDepth = 0;
  let level = 0;
  let rowHasCell = false;

  const flush = (): void => {
    const raw = parts.join('');
    parts = [];
    let text: string;
    if (preDepth > 0) text = raw.replace(/^\r?\n/, '').trimEnd();
    else {
      text = raw
        .split('\n')
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    }
    if (level > 0) text = text.replace(/\s+/g, ' ');
    if (text !== '') blocks.push({ text, level });
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const skipped =
          skipDepth > 0 ||
          SKIPPED.has(name) ||
          'hidden' in attribs ||
          attribs['aria-hidden'] === 'true';
        stack.push({ name, skipped });
        if (skipped) {
          // An <svg> can hold a <title> of its own; only the document's counts.
          if (name === 'title' && !stack.some((f) => f.name === 'svg' || f.name === 'math'))
            inTitle = true;
          skipDepth++;
          return;
        }
        if (BLOCKS.has(name)) {
          flush();
          if (name === 'pre') preDepth++;
          level = headingLevel(name);
        } else if (name === 'br') parts.push('\n');
        else if (name === 'tr') {
          parts.push('\n');
          rowHasCell = false;
        } else if (name === 'td' || name === 'th') {
          if (rowHasCell) parts.push(' | ');
          rowHasCell = true;
        }
      },
      ontext(data) {
        if (skipDepth > 0) {
          if (inTitle) title += data;
          return;
        }
        // Inside pre, whitespace is content; elsewhere every run of it is one space.
        parts.push(preDepth > 0 ? data : data.replace(/\s+/g, ' '));
      },
      onclosetag(name) {
        const frame = stack.pop();
        if (!frame) return;
        if (frame.skipped) {
          skipDepth--;
          if (name === 'title') inTitle = false;
          return;
        }
        if (BLOCKS.has(name)) {
          flush();
          if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
          level = 0;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return { blocks, title: title.replace(/\s+/g, ' ').trim() };
}

export type HtmlDocument = { title: string | null; sections: ParsedSection[] };

/**
 * Turns HTML into sections split at h1–h6, with heading paths. There is no source text
 * to point into, so offsets refer to the extracted text: every section's text joined by
 * a blank line ("\n\n"), in order. A section holding only its heading is dropped unless
 * the document has nothing else.
 */
export function parseHtml(html: string): HtmlDocument {
  const { blocks, title } = collectBlocks(html);
  type Draft = { path: string[]; texts: string[]; headingOnly: boolean };
  const drafts: Draft[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Draft = { path: [], texts: [], headingOnly: false };
  for (const block of blocks) {
    if (block.level === 0) {
      current.texts.push(block.text);
      current.headingOnly = false;
      continue;
    }
    if (current.texts.length > 0) drafts.push(current);
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= block.level) stack.pop();
    stack.push({ level: block.level, text: block.text });
    current = { path: stack.map((s) => s.text), texts: [block.text], headingOnly: true };
  }
  if (current.texts.length > 0) drafts.push(current);
  const kept = drafts.some((d) => !d.headingOnly)
    ? drafts.filter((d) => !d.headingOnly)
    : drafts.slice(0, 1);

  const sections: ParsedSection[] = [];
  let offset = 0;
  for (const draft of kept) {
    const text = draft.texts.join(SEPARATOR);
    sections.push({ page: null, text, charStart: offset, headingPath: draft.path });
    offset += text.length + SEPARATOR.length;
  }
  const h1 = blocks.find((b) => b.level === 1);
  return { title: title || h1?.text || null, sections };
}

/** The charset a page declares in its first bytes, used when the bytes are not UTF-8. */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  return /<meta[^>]+charset\s*=\s*["']?([\w:.-]+)/i.exec(head)?.[1] ?? null;
}
