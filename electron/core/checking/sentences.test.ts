import { expect, it } from 'vitest';
import { splitSentences } from './sentences';

const texts = (text: string, final = true) =>
  splitSentences(text, { final }).map((s) => [text.slice(s.start, s.end), s.citations]);

it('splits prose, keeps citations written after the full stop with their sentence', () => {
  expect(texts('Rivers carry water [1]. It rose 12 %. [2][3] Done.')).toEqual([
    ['Rivers carry water [1].', [1]],
    ['It rose 12 %. [2][3]', [2, 3]],
    ['Done.', []],
  ]);
});

it('ends a sentence at each list item and heading, without the bullet', () => {
  expect(texts('## Summary\n- First point [1]\n- Second point [2]')).toEqual([
    ['Summary', []],
    ['First point [1]', [1]],
    ['Second point [2]', [2]],
  ]);
});

it('does not end a sentence at et al. or e.g.', () => {
  expect(texts('Smith et al. showed it [1]. Next one.')).toEqual([
    ['Smith et al. showed it [1].', [1]],
    ['Next one.', []],
  ]);
});

it('leaves code blocks out', () => {
  expect(texts('Run this [1].\n```\nx = 1. y = 2.\n```\nDone.')).toEqual([
    ['Run this [1].', [1]],
    ['Done.', []],
  ]);
});

it('while streaming, holds back the last sentence until something follows it', () => {
  expect(texts('One [1]. Two', false)).toEqual([['One [1].', [1]]]);
  // The citation may still be on its way.
  expect(texts('One. ', false)).toEqual([]);
  expect(texts('One. [2] Two', false)).toEqual([['One. [2]', [2]]]);
});

it('blanks markers in the claim so offsets hold, and counts any cited number', () => {
  const [s] = splitSentences('Costs 5 euros [7].', { final: true });
  expect(s!.claim).toBe('Costs 5 euros    .');
  expect(s!.citations).toEqual([7]);
});
