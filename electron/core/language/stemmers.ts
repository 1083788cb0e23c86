/**
 * Light stemmers: they strip common inflections only (plural, case, gender), so a query and
 * a passage in one language meet on one form. English is stemmed by the full-text index
 * itself (Snowball), which also runs over these stems, the same on both sides.
 */
type Rule = readonly string[];

const SUFFIXES: Record<string, { suffixes: Rule; minStem: number }> = {
  de: { suffixes: ['ern', 'em', 'en', 'er', 'es', 'e', 'n', 's'], minStem: 4 },
  fr: { suffixes: ['ements', 'ement', 'euses', 'euse', 'aux', 'es', 'e', 's', 'x'], minStem: 4 },
  es: {
    suffixes: ['amientos', 'amiento', 'aciones', 'ación', 'es', 'as', 'os', 'a', 'o', 's'],
    minStem: 4,
  },
  it: { suffixes: ['azioni', 'azione', 'mente', 'i', 'e', 'a', 'o'], minStem: 4 },
  pt: { suffixes: ['ações', 'ação', 'mente', 'es', 'as', 'os', 'a', 'o', 's'], minStem: 4 },
  nl: { suffixes: ['heden', 'heid', 'en', 'e', 's'], minStem: 4 },
};

export function hasStemmer(lang: string): boolean {
  return lang in SUFFIXES;
}

export function lightStem(word: string, lang: string): string {
  const rules = SUFFIXES[lang];
  if (!rules) return word;
  for (const suffix of rules.suffixes) {
    if (word.length - suffix.length >= rules.minStem && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}
