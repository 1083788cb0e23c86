import { parseDocument } from 'htmlparser2';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AnswerChecks, SentenceCheck, Verdict } from '../../../../shared/answer-checks';
import type { Source } from '../../api/event-types';
import { MarkdownAnswer } from './MarkdownAnswer';

type Node = {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: Node[];
  parent?: Node | null;
};

const source = (n: number): Source => ({
  n,
  chunkId: `c${n}`,
  documentId: `d${n}`,
  title: `Doc ${n}`,
  path: `/doc${n}.md`,
  pageStart: null,
  pageEnd: null,
  charStart: 0,
  charEnd: 100,
  headingPath: [],
  snippet: '',
  score: 1,
});
const SOURCES = [source(1), source(2)];

function sentence(text: string, part: string, verdict: Verdict, evidence = false): SentenceCheck {
  const start = text.indexOf(part);
  if (start < 0) throw new Error(`no "${part}" in the text`);
  return {
    start,
    end: start + part.length,
    citations: [],
    verdict,
    missing: [],
    evidence: evidence ? [{ n: 1, start: 0, end: 3 }] : [],
    entailment: null,
    note: verdict === 'supported' ? '' : `note ${start}`,
  };
}

function render(text: string, sentences: SentenceCheck[]) {
  const checks: AnswerChecks = {
    sentences,
    final: true,
    layers: ['words'],
    model: null,
    checked: sentences.length,
    notBacked: 0,
    note: null,
  };
  const html = renderToStaticMarkup(
    <MarkdownAnswer text={text} sources={SOURCES} onCite={() => {}} checks={checks} />,
  );
  return parseDocument(html) as unknown as Node;
}

function textOf(node: Node): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}

function all(node: Node, test: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (test(node)) out.push(node);
  for (const child of node.children ?? []) all(child, test, out);
  return out;
}

const isClaim = (n: Node) => n.attribs?.['data-testid'] === 'claim';

/** Each marked sentence's rendered text, its fragments joined, keyed by its start offset. */
function claims(doc: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of all(doc, isClaim)) {
    const id = el.attribs!['data-claim']!;
    out[id] = (out[id] ?? '') + textOf(el);
  }
  return out;
}

/** The first ancestor of a kind, or null. */
function ancestor(node: Node, name: string): Node | null {
  for (let at = node.parent; at; at = at.parent) if (at.name === name) return at;
  return null;
}

describe('sentence marks in the rendered answer', () => {
  it('wraps a sentence with its citation chip, and leaves the others alone', () => {
    const text = 'Sales rose 12 % [1]. The team grew [2].';
    const doc = render(text, [sentence(text, 'Sales rose 12 % [1].', 'unsupported')]);
    expect(claims(doc)).toEqual({ '0': 'Sales rose 12 % 1.' });
    const [claim] = all(doc, isClaim);
    expect(claim!.attribs).toMatchObject({
      class: 'claim claim-unsupported',
      title: 'note 0',
      'data-verdict': 'unsupported',
    });
    // The chip sits inside the sentence's span, and the next sentence's chip outside any.
    const chips = all(doc, (n) => n.attribs?.['data-testid'] === 'citation-chip');
    expect(chips.map((c) => !!ancestor(c, 'span'))).toEqual([true, false]);
    // The note is the sentence's accessible description.
    const describedBy = claim!.attribs!['aria-describedby']!;
    const note = all(doc, (n) => n.attribs?.id === describedBy)[0];
    expect(textOf(note!)).toBe('note 0');
    expect(textOf(doc)).toContain('The team grew 2.');
  });

  it('a sentence holding emphasis wraps it whole', () => {
    const text = 'The answer is **42** [1]. It *rose* fast [2].';
    const doc = render(text, [
      sentence(text, 'The answer is **42** [1].', 'partly'),
      sentence(text, 'It *rose* fast [2].', 'uncited'),
    ]);
    const ids = [String(text.indexOf('The')), String(text.indexOf('It'))];
    expect(claims(doc)).toEqual({ [ids[0]!]: 'The answer is 42 1.', [ids[1]!]: 'It rose fast 2.' });
    const strong = all(doc, (n) => n.name === 'strong')[0]!;
    expect(ancestor(strong, 'span')?.attribs?.['data-claim']).toBe(ids[0]);
  });

  it('a sentence that ends inside emphasis is cut into fragments, one of them focusable', () => {
    const text = 'Start **bold end. Next** after [1].';
    const first = sentence(text, 'Start **bold end.', 'supported', true);
    const second = sentence(text, 'Next** after [1].', 'unsupported');
    const doc = render(text, [first, second]);
    expect(claims(doc)).toEqual({ '0': 'Start bold end.', [second.start]: 'Next after 1.' });
    const fragments = all(doc, isClaim);
    expect(fragments.map(textOf)).toEqual(['Start ', 'bold end.', 'Next', ' after 1.']);
    expect(fragments.map((f) => f.attribs!.tabindex ?? null)).toEqual(['0', null, null, null]);
    // Supported: no underline class, but a way to the evidence.
    expect(fragments[0]!.attribs!.class).toBe('claim claim-evidence');
    expect(ancestor(fragments[1]!, 'strong')).not.toBeNull();
  });

  it('marks sentences inside list items and table cells, never inside code', () => {
    const text = [
      'Intro text.',
      '',
      '- First item is 12 % [1].',
      '- Second item\n  goes on [2].',
      '',
      '```',
      'code [1].',
      '```',
      '',
      '| a | b |',
      '| - | - |',
      '| cell fact [1]. | x |',
    ].join('\n');
    const doc = render(text, [
      sentence(text, 'First item is 12 % [1].', 'unsupported'),
      sentence(text, 'Second item\n  goes on [2].', 'partly'),
      { ...sentence(text, 'code [1].', 'uncited') },
      sentence(text, 'cell fact [1].', 'unsupported'),
    ]);
    const got = claims(doc);
    expect(Object.values(got)).toEqual([
      'First item is 12 % 1.',
      'Second item\ngoes on 2.',
      'cell fact 1.',
    ]);
    const [a, b, c] = all(doc, isClaim);
    expect(ancestor(a!, 'li')).not.toBeNull();
    expect(ancestor(b!, 'li')).not.toBeNull();
    expect(ancestor(c!, 'td')).not.toBeNull();
    expect(textOf(all(doc, (n) => n.name === 'pre')[0]!)).toBe('code [1].\n');
  });

  it('escapes, entities and links keep the mapping in place', () => {
    const text = 'Costs \\*rose\\* &amp; fell [1]. See [the report](https://x.test) now [2]. End.';
    const doc = render(text, [
      sentence(text, 'Costs \\*rose\\* &amp; fell [1].', 'unsupported'),
      sentence(text, 'See [the report](https://x.test) now [2].', 'partly'),
    ]);
    expect(Object.values(claims(doc))).toEqual(['Costs *rose* & fell 1.', 'See the report now 2.']);
  });

  it('sentences in later blocks use offsets in the whole answer', () => {
    const text = 'First block [1].\n\nSecond block has 7 facts [2]. Then more [1].';
    const doc = render(text, [sentence(text, 'Then more [1].', 'unsupported')]);
    expect(claims(doc)).toEqual({ [text.indexOf('Then')]: 'Then more 1.' });
  });

  it('renders exactly as before without checks', () => {
    const text = 'Plain **answer** [1].\n\n- a\n- b';
    const plain = renderToStaticMarkup(
      <MarkdownAnswer text={text} sources={SOURCES} onCite={() => {}} />,
    );
    expect(plain).not.toContain('claim');
    expect(plain).toContain('<strong>answer</strong>');
  });
});
