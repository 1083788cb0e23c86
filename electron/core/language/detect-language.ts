import { STOP_SETS } from './stop-words';

/** Languages Quire segments, stems or filters specially; anything else is 'und'. */
export type LanguageCode =
  | 'en'
  | 'de'
  | 'fr'
  | 'es'
  | 'it'
  | 'pt'
  | 'nl'
  | 'ja'
  | 'zh'
  | 'ko'
  | 'ru'
  | 'el'
  | 'ar'
  | 'he'
  | 'th'
  | 'und';

const SCRIPTS: [RegExp, LanguageCode][] = [
  [/\p{Script=Hangul}/gu, 'ko'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, 'ja'],
  [/\p{Script=Han}/gu, 'zh'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Hebrew}/gu, 'he'],
  [/\p{Script=Thai}/gu, 'th'],
];
const LATIN = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'] as const;

/**
 * The main language of a text: by script for non-Latin text (kana means Japanese even
 * beside kanji), by function words for Latin text. Reads at most the first 20,000 chars.
 * 'und' when there is too little to tell.
 */
export function detectLanguage(text: string): LanguageCode {
  const sample = text.slice(0, 20_000);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return 'und';
  const counts = SCRIPTS.map(([re, lang]) => [lang, sample.match(re)?.length ?? 0] as const);
  const kana = counts.find(([l]) => l === 'ja')![1];
  const han = counts.find(([l]) => l === 'zh')![1];
  if (kana + han > 0.3 * letters) return kana > 0.05 * (kana + han) ? 'ja' : 'zh';
  const top = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (top[1] > 0.3 * letters) return top[0];
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best: LanguageCode = 'und';
  let bestHits = 0;
  for (const lang of LATIN) {
    const stop = STOP_SETS[lang]!;
    let hits = 0;
    for (const w of words) if (stop.has(w)) hits++;
    if (hits > bestHits) {
      best = lang;
      bestHits = hits;
    }
  }
  // Two function words are weak evidence in a long text, decent in a short one.
  return bestHits >= Math.max(2, words.length * 0.03) ? best : 'und';
}
