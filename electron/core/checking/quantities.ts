// Numbers and dates as a sentence states them, reduced to values that compare across ways of writing.

/** One number as written: its value, and whether it is a percentage or carries a unit. */
export type Quantity = {
  text: string;
  value: number;
  percent: boolean;
  unit: string | null;
  index: number;
};

export type DateMention = {
  text: string;
  year: number | null;
  month: number | null;
  day: number | null;
  index: number;
};

const SMALL_NUMBERS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  dozen: 12,
  twice: 2,
  double: 2,
  half: 0.5,
  triple: 3,
};

const SCALES: Record<string, number> = {
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
  trillion: 1e12,
  k: 1e3,
  m: 1e6,
  bn: 1e9,
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

// Units worth telling apart: 12 mg is not 12 kg. Unknown words after a number are not units.
const UNITS = new Set(
  (
    'mg g kg µg ug ng lb lbs oz t mm cm m km in ft mi ml l dl µl ul mol mmol µmol nmol ' +
    'ms s sec min h hr hrs d wk mo yr yrs years months weeks days hours minutes seconds ' +
    'metre metres meter meters kilometre kilometres kilometer kilometers centimetre centimetres ' +
    'centimeter centimeters millimetre millimetres millimeter millimeters litre litres liter liters ' +
    'gram grams kilogram kilograms milligram milligrams mile miles feet foot inch inches ' +
    'hz khz mhz ghz kb mb gb tb w kw mw v kv a ma °c °f k usd eur gbp $ € £ x fold'
  ).split(' '),
);

// Digits with thousands separators (1,234 or 1 234 or 1.234.567), or plain digits with a decimal part.
const NUMBER =
  /(?<![\p{L}\p{N}_.,]|[\p{L}\p{N}]-)([$€£])?\s?(-|−)?(\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?![\p{N}])(\s?(?:%|percent\b|per cent\b|‰))?(?:\s?(thousand|million|billion|trillion|bn)\b)?(?:[\s-]?([\p{L}°µ$€£]{1,7})\b)?/giu;
const WORD_NUMBER = new RegExp(
  `\\b(${Object.keys(SMALL_NUMBERS).join('|')})(?:[\\s-](${Object.keys(SMALL_NUMBERS).join('|')}))?(?:\\s(thousand|million|billion))?(\\s?(?:%|percent\\b|per cent\\b))?`,
  'giu',
);
const MONTH_NAME = new RegExp(
  `\\b(${MONTHS.map((m) => `${m.slice(0, 3)}(?:${m.slice(3)})?`).join('|')})\\.?(?:\\s+(\\d{1,2})(?:st|nd|rd|th)?,?)?(?:\\s+(\\d{4}))?\\b`,
  'giu',
);
const DAY_MONTH = new RegExp(
  `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTHS.map((m) => `${m.slice(0, 3)}(?:${m.slice(3)})?`).join('|')})\\.?(?:,?\\s+(\\d{4}))?\\b`,
  'giu',
);
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const YEAR = /(?<![\p{N}.,])((?:1[5-9]|20)\d{2})(?![\p{N}%])(?!\s?(?:%|percent))/gu;

/** "1,234.5" → 1234.5; "12,5" (a decimal comma) → 12.5; "1.234.567" → 1234567. */
export function parseDigits(raw: string): number {
  const compact = raw.replace(/[\u202f\u00a0 ]/g, '');
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(compact)) return Number(compact.replace(/,/g, ''));
  if (/^\d{1,3}(\.\d{3}){2,}$/.test(compact)) return Number(compact.replace(/\./g, ''));
  if (/^\d+,\d+$/.test(compact)) return Number(compact.replace(',', '.'));
  return Number(compact);
}

function normalUnit(raw: string | undefined): string | null {
  if (!raw) return null;
  const unit = raw.toLowerCase();
  if (!UNITS.has(unit)) return null;
  if (unit === 'ug') return 'µg';
  if (unit === 'ul') return 'µl';
  if (/^(yrs?|years?)$/.test(unit)) return 'yr';
  if (/^(hrs?|hours?|h)$/.test(unit)) return 'h';
  if (/^(days?|d)$/.test(unit)) return 'd';
  if (/^(weeks?|wk)$/.test(unit)) return 'wk';
  if (/^(months?|mo)$/.test(unit)) return 'mo';
  if (/^(min|minutes?)$/.test(unit)) return 'min';
  if (/^(s|sec|seconds?)$/.test(unit)) return 's';
  if (unit === 'fold') return 'x';
  const long: Record<string, string> = {
    metre: 'm',
    meter: 'm',
    kilometre: 'km',
    kilometer: 'km',
    centimetre: 'cm',
    centimeter: 'cm',
    millimetre: 'mm',
    millimeter: 'mm',
    litre: 'l',
    liter: 'l',
    gram: 'g',
    kilogram: 'kg',
    milligram: 'mg',
    mile: 'mi',
    foot: 'ft',
    feet: 'ft',
    inch: 'in',
    inches: 'in',
  };
  const singular = unit.replace(/s$/, '');
  if (long[unit] ?? long[singular]) return long[unit] ?? long[singular]!;
  return unit;
}

/** Spans of dates, so their digits are not read again as plain numbers. */
function dateSpans(dates: DateMention[]): Array<[number, number]> {
  return dates.map((d) => [d.index, d.index + d.text.length]);
}

function inside(spans: Array<[number, number]>, index: number): boolean {
  return spans.some(([from, to]) => index >= from && index < to);
}

/** Dates: "March 5, 2020", "5 March 2020", "2020-03-05", "March 2020", and bare years. */
export function findDates(text: string): DateMention[] {
  const dates: DateMention[] = [];
  const month = (name: string) =>
    MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3))) + 1;
  for (const m of text.matchAll(ISO_DATE))
    dates.push({ text: m[0], year: +m[1]!, month: +m[2]!, day: +m[3]!, index: m.index });
  const taken = () => dateSpans(dates);
  for (const m of text.matchAll(DAY_MONTH)) {
    if (inside(taken(), m.index)) continue;
    dates.push({
      text: m[0],
      year: m[3] ? +m[3] : null,
      month: month(m[2]!),
      day: +m[1]!,
      index: m.index,
    });
  }
  for (const m of text.matchAll(MONTH_NAME)) {
    if (inside(taken(), m.index)) continue;
    // A month name alone is a date only when capitalised, and "May" alone is usually the verb.
    const alone = !m[2] && !m[3];
    if (alone && (!/^\p{Lu}/u.test(m[1]!) || /^may$/i.test(m[1]!))) continue;
    dates.push({
      text: m[0].trim(),
      year: m[3] ? +m[3] : null,
      month: month(m[1]!),
      day: m[2] ? +m[2] : null,
      index: m.index,
    });
  }
  for (const m of text.matchAll(YEAR)) {
    if (inside(taken(), m.index)) continue;
    dates.push({ text: m[0], year: +m[1]!, month: null, day: null, index: m.index });
  }
  return dates.sort((a, b) => a.index - b.index);
}

/** Numbers written in digits or words, with percentages, scales, units and ranges (each end a number). */
export function findQuantities(text: string, dates: DateMention[] = findDates(text)): Quantity[] {
  const skip = dateSpans(dates);
  const found: Quantity[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const digitsAt = text.indexOf(m[3]!, m.index);
    if (inside(skip, digitsAt)) continue;
    let value = parseDigits(m[3]!);
    if (!Number.isFinite(value)) continue;
    if (m[2]) value = -value;
    if (m[5]) value *= SCALES[m[5].toLowerCase()] ?? 1;
    const percent = m[4] !== undefined;
    const unit = percent ? null : normalUnit(m[1] ?? m[6]);
    // The words after a number belong to it only when they are a unit.
    const written =
      unit !== null && m[6] && !m[1] ? m[0] : m[0].slice(0, m[0].length - (m[6]?.length ?? 0));
    found.push({ text: written.trim().replace(/[\s-]$/, ''), value, percent, unit, index: start });
  }
  for (const m of text.matchAll(WORD_NUMBER)) {
    const first = SMALL_NUMBERS[m[1]!.toLowerCase()]!;
    const second = m[2] ? SMALL_NUMBERS[m[2].toLowerCase()]! : null;
    // "twenty-five" adds, "five hundred" multiplies; "one" alone is too often a pronoun.
    let value = second === null ? first : second >= 100 ? first * second : first + second;
    if (m[3]) value *= SCALES[m[3].toLowerCase()] ?? 1;
    if (second === null && !m[3] && !m[4] && /^(one|half|double|twice)$/i.test(m[1]!)) continue;
    found.push({ text: m[0], value, percent: m[4] !== undefined, unit: null, index: m.index });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** True when a passage's number says what the sentence's number says. */
export function sameQuantity(claim: Quantity, stated: Quantity): boolean {
  if (Math.abs(claim.value - stated.value) > 1e-9 * Math.max(1, Math.abs(claim.value)))
    return false;
  if (claim.percent && !stated.percent) return false;
  if (claim.unit && stated.unit && claim.unit !== stated.unit) return false;
  return true;
}

/** True when the passage's date has every part the sentence's date gives. */
export function sameDate(claim: DateMention, stated: DateMention): boolean {
  return (
    (claim.year === null || claim.year === stated.year) &&
    (claim.month === null || claim.month === stated.month) &&
    (claim.day === null || claim.day === stated.day)
  );
}
