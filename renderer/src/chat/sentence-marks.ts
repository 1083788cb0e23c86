import type { AnswerChecks, SentenceCheck, Verdict } from '../../../shared/answer-checks';

/**
 * A checked sentence as one Markdown block shows it: offsets local to the block. `id` is the
 * sentence's start in the whole answer, which stays the same while more text streams in.
 */
export type SentenceMark = {
  id: number;
  start: number;
  end: number;
  verdict: Verdict;
  note: string;
  /** It has passage spans that back it, so clicking it can show them. */
  evidence: boolean;
};

/** Whether a sentence needs anything on screen: a mark, or a way to its evidence. */
function shown(s: SentenceCheck): boolean {
  return s.verdict !== 'supported' || s.evidence.length > 0;
}

export function hasEvidence(s: SentenceCheck): boolean {
  return (s.verdict === 'supported' || s.verdict === 'partly') && s.evidence.length > 0;
}

/** The start offset of each block in the whole text (blocks are contiguous slices of it). */
export function blockStarts(blocks: readonly string[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const block of blocks) {
    starts.push(at);
    at += block.length;
  }
  return starts;
}

/** The sentences that touch each block, cut to it and moved to its own offsets. */
export function marksPerBlock(
  checks: AnswerChecks | null | undefined,
  blocks: readonly string[],
): SentenceMark[][] {
  const starts = blockStarts(blocks);
  const out = blocks.map((): SentenceMark[] => []);
  if (!checks) return out;
  for (const s of checks.sentences) {
    if (!shown(s) || s.end <= s.start) continue;
    blocks.forEach((block, i) => {
      const from = starts[i] ?? 0;
      let start = Math.max(s.start, from) - from;
      let end = Math.min(s.end, from + block.length) - from;
      // Sentences run on to the next one's first letter: the space between is nobody's.
      while (end > start && /\s/.test(block[end - 1] ?? '')) end--;
      while (start < end && /\s/.test(block[start] ?? '')) start++;
      if (end <= start) return;
      out[i]!.push({
        id: s.start,
        start,
        end,
        verdict: s.verdict,
        note: s.note,
        evidence: hasEvidence(s),
      });
    });
  }
  return out;
}

/** A string that changes exactly when a block's marks do, for memo comparisons. */
export function marksKey(marks: readonly SentenceMark[]): string {
  return marks
    .map((m) => `${m.id}:${m.start}-${m.end}:${m.verdict}:${m.evidence ? 1 : 0}:${m.note}`)
    .join('|');
}

type Point = { offset?: number };
type MdNode = {
  type: string;
  value?: string;
  children?: MdNode[];
  position?: { start: Point; end: Point };
  data?: Record<string, unknown>;
};

/** Nodes whose children are inline text: the only places a span may wrap them. */
const INLINE_PARENTS = new Set([
  'paragraph',
  'heading',
  'tableCell',
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
]);
/** Leaves whose text is not split: code stays whole, the rest has no text to split. */
const SPLITTABLE = new Set(['text']);

function span(node: MdNode): [number, number] | null {
  const s = node.position?.start.offset;
  const e = node.position?.end.offset;
  return s === undefined || e === undefined ? null : [s, e];
}

/**
 * Where each character of a text node's value sits in the raw Markdown. The value lacks
 * escapes, entity spellings and the prefixes of continued list or quote lines, so the raw
 * characters are matched in order and the unmatched ones skipped.
 */
export function alignValue(value: string, raw: string, from: number, to: number): number[] {
  const map: number[] = [];
  let j = from;
  for (let i = 0; i < value.length; i++) {
    while (j < to && raw[j] !== value[i]) j++;
    if (j >= to) {
      // No alignment: spread the value evenly, which is right when nothing was escaped.
      return Array.from({ length: value.length + 1 }, (_, k) =>
        Math.round(from + ((to - from) * k) / Math.max(1, value.length)),
      );
    }
    map.push(j++);
  }
  map.push(to);
  return map;
}

function positioned(type: string, value: string, s: number, e: number): MdNode {
  return { type, value, position: { start: { offset: s }, end: { offset: e } } };
}

/** Cuts a text node where sentences begin and end inside it. */
function splitText(node: MdNode, raw: string, marks: readonly SentenceMark[]): MdNode[] {
  const range = span(node);
  const value = node.value ?? '';
  if (!range || value === '') return [node];
  const [s, e] = range;
  const cuts = new Set<number>();
  for (const m of marks) for (const b of [m.start, m.end]) if (b > s && b < e) cuts.add(b);
  if (cuts.size === 0) return [node];
  const map = alignValue(value, raw, s, e);
  const pieces: MdNode[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    let i = at;
    while (i < value.length && (map[i] ?? e) < cut) i++;
    if (i > at) pieces.push(positioned('text', value.slice(at, i), map[at] ?? s, cut));
    at = i;
  }
  if (at < value.length) pieces.push(positioned('text', value.slice(at), map[at] ?? s, e));
  // The first and last pieces keep the node's own outer edges.
  if (pieces[0]?.position) pieces[0].position.start.offset = s;
  return pieces;
}

function markInside(range: [number, number], marks: readonly SentenceMark[]) {
  const [s, e] = range;
  return marks.find((m) => m.start <= s && e <= m.end) ?? null;
}

function markAtStart(range: [number, number], marks: readonly SentenceMark[]) {
  return marks.find((m) => m.start <= range[0] && range[0] < m.end) ?? null;
}

function overlaps(range: [number, number], marks: readonly SentenceMark[]) {
  return marks.some((m) => m.start < range[1] && range[0] < m.end);
}

function claimNode(mark: SentenceMark, children: MdNode[]): MdNode {
  return {
    type: 'claim',
    children,
    data: {
      hName: 'claim',
      hProperties: {
        dataClaim: String(mark.id),
        dataVerdict: mark.verdict,
        dataNote: mark.note,
        dataEvidence: mark.evidence ? 'true' : 'false',
      },
    },
  };
}

/** Wraps runs of inline nodes that fall in one sentence, recursing where a node straddles. */
function wrapInline(children: MdNode[], raw: string, marks: readonly SentenceMark[]): MdNode[] {
  const pieces = children.flatMap((c) => (SPLITTABLE.has(c.type) ? splitText(c, raw, marks) : [c]));
  const out: MdNode[] = [];
  let run: MdNode[] = [];
  let runMark: SentenceMark | null = null;
  const flush = () => {
    if (runMark && run.length > 0) out.push(claimNode(runMark, run));
    else out.push(...run);
    run = [];
  };
  for (const piece of pieces) {
    const range = span(piece);
    let mark: SentenceMark | null = null;
    if (range) {
      mark = markInside(range, marks);
      if (!mark && piece.children && overlaps(range, marks)) {
        piece.children = wrapInline(piece.children, raw, marks);
      } else if (!mark && !piece.children) mark = markAtStart(range, marks);
    }
    if (mark !== runMark) {
      flush();
      runMark = mark;
    }
    run.push(piece);
  }
  flush();
  return out;
}

function walk(node: MdNode, raw: string, marks: readonly SentenceMark[]) {
  if (!node.children) return;
  const range = span(node);
  if (range && !overlaps(range, marks)) return;
  if (INLINE_PARENTS.has(node.type)) {
    node.children = wrapInline(node.children, raw, marks);
    return;
  }
  for (const child of node.children) walk(child, raw, marks);
}

/** A sentence cut by formatting shows as several spans; its first, in reading order, is the one to focus. */
function markFirsts(node: MdNode, seen: Set<string>) {
  const props = node.type === 'claim' ? (node.data?.hProperties as Record<string, string>) : null;
  if (props) {
    props.dataFirst = seen.has(props.dataClaim!) ? 'false' : 'true';
    seen.add(props.dataClaim!);
  }
  for (const child of node.children ?? []) markFirsts(child, seen);
}

/**
 * A remark plugin: the text of each sentence in `marks` (offsets in this block's raw
 * Markdown) is wrapped in `<claim>` elements, split where emphasis, links or list items cut
 * it. Run it before the citation plugin, which needs no positions and looks inside them.
 */
export function remarkSentenceMarks(options: { marks: readonly SentenceMark[] }) {
  return (tree: unknown, file: { value?: unknown }) => {
    if (options.marks.length === 0) return;
    const raw = typeof file.value === 'string' ? file.value : String(file.value ?? '');
    walk(tree as MdNode, raw, options.marks);
    markFirsts(tree as MdNode, new Set());
  };
}
