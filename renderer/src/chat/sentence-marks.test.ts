import { describe, expect, it } from 'vitest';
import type { AnswerChecks, SentenceCheck, Verdict } from '../../../shared/answer-checks';
import { splitBlocks } from './markdown-blocks';
import { alignValue, blockStarts, marksKey, marksPerBlock } from './sentence-marks';

function sentence(
  text: string,
  part: string,
  verdict: Verdict,
  over: Partial<SentenceCheck> = {},
): SentenceCheck {
  const start = text.indexOf(part);
  if (start < 0) throw new Error(`no "${part}" in the text`);
  return {
    start,
    end: start + part.length,
    citations: [],
    verdict,
    missing: [],
    evidence: [],
    entailment: null,
    note: verdict === 'supported' ? '' : `${verdict}: ${part}`,
    ...over,
  };
}

function checks(sentences: SentenceCheck[]): AnswerChecks {
  return {
    sentences,
    final: true,
    layers: ['words'],
    model: null,
    checked: sentences.length,
    notBacked: sentences.filter((s) => s.verdict !== 'supported').length,
    note: null,
  };
}

describe('alignValue', () => {
  it('maps each character of a plain text node to its own offset', () => {
    expect(alignValue('abc', 'xxabcxx', 2, 5)).toEqual([2, 3, 4, 5]);
  });

  it('skips escapes and the indentation of continued lines', () => {
    const raw = 'a \\*b\\* c\n   d';
    expect(alignValue('a *b* c\nd', raw, 0, raw.length)).toEqual([0, 1, 3, 4, 6, 7, 8, 9, 13, 14]);
  });

  it('spreads the value evenly when the raw text cannot be matched', () => {
    expect(alignValue('&', '&amp;', 0, 5)).toEqual([0, 5]);
    expect(alignValue('<', '&lt;', 0, 4)).toEqual([0, 4]);
  });
});

describe('marksPerBlock', () => {
  const text = 'First para [1]. Second one [2].\n\n- item twelve [1]\n- item two\n\nLast.';
  const blocks = splitBlocks(text);

  it('cuts sentences to the blocks they touch, in block offsets', () => {
    const c = checks([
      sentence(text, 'Second one [2].', 'partly', {
        evidence: [{ n: 2, start: 0, end: 5 }],
      }),
      sentence(text, 'item twelve [1]', 'unsupported'),
      sentence(text, 'First para [1].', 'supported'), // no evidence: nothing to show
    ]);
    const marks = marksPerBlock(c, blocks);
    const starts = blockStarts(blocks);
    expect(marks[0]).toEqual([
      {
        id: text.indexOf('Second'),
        start: text.indexOf('Second'),
        end: text.indexOf('Second') + 'Second one [2].'.length,
        verdict: 'partly',
        note: 'partly: Second one [2].',
        evidence: true,
      },
    ]);
    const item = text.indexOf('item twelve');
    expect(marks[1]).toMatchObject([
      { id: item, start: item - starts[1]!, verdict: 'unsupported' },
    ]);
    expect(marks[2]).toEqual([]);
  });

  it('a sentence across a block boundary shows in both, under one id', () => {
    const c = checks([
      { ...sentence(text, 'Second one [2].', 'uncited'), end: text.indexOf('twelve') },
    ]);
    const marks = marksPerBlock(c, blocks);
    expect(marks[0]).toHaveLength(1);
    expect(marks[1]).toMatchObject([{ start: 0, id: marks[0]![0]!.id }]);
  });

  it('unsupported sentences show even without evidence; supported ones only with it', () => {
    const c = checks([
      sentence(text, 'First para [1].', 'supported', { evidence: [{ n: 1, start: 0, end: 4 }] }),
      sentence(text, 'Second one [2].', 'unsupported', {
        // Evidence on an unsupported sentence never makes it clickable.
        evidence: [{ n: 2, start: 0, end: 4 }],
      }),
    ]);
    expect(marksPerBlock(c, blocks)[0]!.map((m) => [m.verdict, m.evidence])).toEqual([
      ['supported', true],
      ['unsupported', false],
    ]);
  });

  it('finished blocks keep their key while the answer streams on and is checked further', () => {
    const full = 'One fact [1]. Two facts [1].\n\nThree facts [2]. Four.';
    const early = checks([sentence(full, 'Two facts [1].', 'unsupported')]);
    const later = checks([...early.sentences, sentence(full, 'Three facts [2].', 'partly')]);
    const before = marksPerBlock(early, splitBlocks(full.slice(0, 40)));
    const after = marksPerBlock(later, splitBlocks(full));
    expect(marksKey(after[0]!)).toBe(marksKey(before[0]!));
    expect(marksKey(after[1]!)).not.toBe(marksKey(before[1]!));
  });

  it('no checks: no marks', () => {
    expect(marksPerBlock(null, blocks).every((m) => m.length === 0)).toBe(true);
  });
});
