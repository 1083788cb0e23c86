import { citedSources, findCitationMarkers } from '../../../shared/citations';

/** Text split around citation markers such as [2], [1, 3] or [2–4]. */
export type CitationPart = { kind: 'text'; value: string } | { kind: 'cite'; n: number };

/** Splits text at citation markers; markers that cite no source (1..max) stay plain text. */
export function splitCitations(text: string, max: number): CitationPart[] {
  const parts: CitationPart[] = [];
  let last = 0;
  for (const marker of findCitationMarkers(text, max)) {
    if (marker.index > last) parts.push({ kind: 'text', value: text.slice(last, marker.index) });
    for (const n of marker.numbers) parts.push({ kind: 'cite', n });
    last = marker.index + marker.length;
  }
  if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
  return parts;
}

/** The numbers an answer cites, in order of first appearance. */
export function citedNumbers(text: string, max: number): number[] {
  return citedSources(text, max);
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
