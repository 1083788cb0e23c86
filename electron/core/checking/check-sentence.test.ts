import { expect, it } from 'vitest';
import { TermStats } from '../language/term-stats';
import { checkAnswer } from './answer-checker';
import { checkSentenceWords } from './check-sentence';
import { passageFacts } from './passage-facts';
import { splitSentences } from './sentences';

const DPR =
  'Our dense passage retriever (DPR) uses a dense encoder which maps any text passage to a 768-dimensional real-valued vector. ' +
  'In 2019, accuracy rose to 41.5% on Natural Questions, over 21 million passages.';
const TOWER =
  'The Eiffel Tower was completed on March 31, 1889 and is 330 metres tall. It was designed by Gustave Eiffel.';
const OTHER = [
  'Paris is the capital of France and has many towers.',
  'An encoder maps text to vectors of numbers.',
  'Questions were answered with passages from the library.',
];
const sources = [
  { n: 1, text: DPR },
  { n: 2, text: TOWER },
];
const stats = TermStats.fromTexts([DPR, TOWER, ...OTHER]);

async function verdicts(answer: string) {
  const checks = await checkAnswer(answer, { sources, stats });
  return checks.sentences.map((s) => ({
    sentence: answer.slice(s.start, s.end),
    verdict: s.verdict,
    note: s.note,
    missing: s.missing.map((m) => `${m.kind}:${m.text}`),
  }));
}

it('supports a sentence whose numbers and rare words are all in its source', async () => {
  const [v] = await verdicts('DPR maps each passage to a 768-dimensional vector [1].');
  expect(v).toMatchObject({ verdict: 'supported', note: '', missing: [] });
});

it('flags a changed number, and names it and the source', async () => {
  const [v] = await verdicts('Accuracy rose to 45.5% [1].');
  expect(v!.verdict).not.toBe('supported');
  expect(v!.missing).toContain('number:45.5%');
  expect(v!.note).toBe('45.5% is not in source 1');
});

it('flags a swapped name and a wrong date', async () => {
  const [name, date] = await verdicts(
    'It was designed by Gustave Flaubert [2]. The tower was completed on March 31, 1890 [2].',
  );
  expect(name!.verdict).toBe('partly');
  expect(name!.missing).toEqual(['word:Flaubert']);
  expect(date!.verdict).not.toBe('supported');
  expect(date!.missing).toEqual(['date:March 31, 1890']);
});

it('checks a number written in words against digits, and a quoted phrase as a run', async () => {
  const [words, quote, badQuote] = await verdicts(
    'The tower is three hundred and thirty metres tall [2]. It was "designed by Gustave Eiffel" [2]. It was "designed by Eiffel Gustave" [2].',
  );
  // "three hundred" is read as 300, which the source does not say.
  expect(words!.verdict).not.toBe('supported');
  expect(quote!.verdict).toBe('supported');
  expect(badQuote!.missing).toContain('quote:“designed by Eiffel Gustave”');
});

it('calls a cited sentence about something else unsupported', async () => {
  const [v] = await verdicts('Photosynthesis converts sunlight into glucose in chloroplasts [2].');
  expect(v!.verdict).toBe('unsupported');
});

it('marks a factual sentence without a citation uncited, and skips talk about the sources', async () => {
  const result = await verdicts(
    'The tower is 330 metres tall. The documents do not say who painted it. What else?',
  );
  expect(result).toEqual([
    {
      sentence: 'The tower is 330 metres tall.',
      verdict: 'uncited',
      note: 'No source is cited for this.',
      missing: [],
    },
  ]);
});

it('a citation to a number that was never a source is unsupported', async () => {
  const [v] = await verdicts('The tower is 330 metres tall [7].');
  expect(v).toMatchObject({ verdict: 'unsupported', missing: ['citation:[7]'] });
  expect(v!.note).toBe("Source 7 was not among the answer's sources");
});

it('gives the evidence span of a supported sentence inside the passage', async () => {
  const answer = 'It was designed by Gustave Eiffel [2].';
  const checks = await checkAnswer(answer, { sources, stats });
  const [evidence] = checks.sentences[0]!.evidence;
  expect(evidence!.n).toBe(2);
  expect(TOWER.slice(evidence!.start, evidence!.end)).toBe('It was designed by Gustave Eiffel.');
});

it('an empty answer and an answer without citations get verdicts, never a crash', async () => {
  const empty = await checkAnswer('', { sources, stats });
  expect(empty).toMatchObject({ sentences: [], final: true, checked: 0, notBacked: 0 });
  const none = await checkAnswer('Hello there.', { sources, stats });
  expect(none.sentences).toEqual([]);
  // Without the model, the answer says that only words and numbers were checked.
  expect(none.note).toMatch(/Only words and numbers were checked/);
  expect(none.layers).toEqual(['words']);
});

it('counts the sentences not backed by their sources', async () => {
  const checks = await checkAnswer(
    'DPR maps each passage to a 768-dimensional vector [1]. Accuracy rose to 45.5% [1].',
    { sources, stats },
  );
  expect(checks).toMatchObject({ checked: 2, notBacked: 1, final: true });
});

it('checks sentences as they end while streaming, and the last one at the end', async () => {
  const updates: number[] = [];
  const { createAnswerChecker } = await import('./answer-checker');
  const checker = createAnswerChecker({
    sources,
    stats,
    intervalMs: 0,
    onUpdate: (c) => updates.push(c.sentences.length),
  });
  const answer =
    'DPR maps each passage to a 768-dimensional vector [1]. Accuracy rose to 45.5% [1].';
  let text = '';
  for (const piece of answer.split(/(?<= )/)) {
    text += piece;
    checker.update(text);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(Math.max(...updates)).toBe(1);
  const final = await checker.finish(text);
  expect(final.final).toBe(true);
  expect(final.sentences.map((s) => s.verdict)).toEqual(['supported', 'partly']);
});

it('uses the document language of the cited passage for short sentences', () => {
  const facts = new Map([[1, passageFacts(1, 'Die Häuser der Stadt wurden 1920 gebaut.')]]);
  const [s] = splitSentences('Die Häuser wurden 1920 gebaut [1].', { final: true });
  const check = checkSentenceWords(
    s!,
    facts,
    TermStats.fromTexts(['Die Häuser der Stadt wurden 1920 gebaut.']),
  );
  expect(check!.verdict).toBe('supported');
});
