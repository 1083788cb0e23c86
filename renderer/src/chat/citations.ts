/** Text split around citation markers such as [2] or [1, 3]. */
export type CitationPart = { kind: 'text'; value: string } | { kind: 'cite'; n: number };

const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/** Splits text at [n] markers; numbers outside 1..max stay plain text. */
export function splitCitations(text: string, max: number): CitationPart[] {
  const parts: CitationPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const numbers = (match[1] ?? '').split(',').map((s) => Number(s.trim()));
    if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > max)) continue;
    const at = match.index;
    if (at > last) parts.push({ kind: 'text', value: text.slice(last, at) });
    for (const n of numbers) parts.push({ kind: 'cite', n });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
  return parts;
}

/** The numbers an answer cites, in order of first appearance. */
export function citedNumbers(text: string, max: number): number[] {
  const seen = new Set<number>();
  for (const part of splitCitations(text, max)) if (part.kind === 'cite') seen.add(part.n);
  return [...seen];
}

type MdNode = {
  type: string;
  value?: string;
  children?: MdNode[];
  data?: Record<string, unknown>;
};

function citationNode(n: number): MdNode {
  return {
    type: 'citation',
    data: {
      hName: 'cite',
      hProperties: { dataN: String(n) },
      hChildren: [{ type: 'text', value: String(n) }],
    },
  };
}

function transform(node: MdNode, max: number): void {
  if (!node.children) return;
  const next: MdNode[] = [];
  let changed = false;
  for (const child of node.children) {
    if (child.type === 'text' && child.value && child.value.includes('[')) {
      const parts = splitCitations(child.value, max);
      if (parts.some((p) => p.kind === 'cite')) {
        changed = true;
        for (const p of parts)
          next.push(p.kind === 'text' ? { type: 'text', value: p.value } : citationNode(p.n));
        continue;
      }
    }
    // Code keeps its brackets: only prose and links' text become chips.
    if (child.type !== 'code' && child.type !== 'inlineCode') transform(child, max);
    next.push(child);
  }
  if (changed) node.children = next;
}

/** A remark plugin: [n] markers become `<cite data-n>` elements, rendered as chips. */
export function remarkCitations(options: { max: number }) {
  return (tree: unknown) => {
    if (options.max > 0) transform(tree as MdNode, options.max);
  };
}
