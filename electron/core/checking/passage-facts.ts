// What a passage states, prepared once per answer: its terms, numbers and dates, sentence by sentence.
import { detectLanguage, type LanguageCode } from '../language/detect-language';
import { termKeys } from '../language/term-stats';
import { findDates, findQuantities, type DateMention, type Quantity } from './quantities';

export type PassageSentence = {
  start: number;
  end: number;
  keys: Set<string>;
  quantities: Quantity[];
  dates: DateMention[];
};

export type PassageFacts = {
  n: number;
  text: string;
  lang: LanguageCode;
  keys: Set<string>;
  /** The passage's terms in order, for quoted phrases. */
  sequence: string[];
  sentences: PassageSentence[];
};

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export function passageFacts(n: number, text: string): PassageFacts {
  const lang = detectLanguage(text);
  const sentences: PassageSentence[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const start = index + (segment.length - segment.trimStart().length);
    const end = index + segment.trimEnd().length;
    if (end <= start) continue;
    const body = text.slice(start, end);
    const dates = findDates(body);
    sentences.push({
      start,
      end,
      keys: new Set(termKeys(body, lang)),
      quantities: findQuantities(body, dates),
      dates,
    });
  }
  const sequence = termKeys(text, lang);
  return { n, text, lang, keys: new Set(sequence), sequence, sentences };
}

/** True when `phrase` (terms in order) occurs in `sequence` as a run. */
export function containsRun(sequence: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return true;
  outer: for (let i = 0; i + phrase.length <= sequence.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (sequence[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}
