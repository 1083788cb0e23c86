// The independent reference for reading order: whole sentences from Debian's pdftotext.
// Shared by the reading-order test and its benchmark; never imported by app code.
import { execFileSync } from 'node:child_process';

/** Whitespace-normalised, with line-end hyphenation undone the way Quire undoes it. */
export const normalizeText = (s: string): string =>
  s
    .replace(/(\p{L})[-\u00ad\u2010]\s*\n\s*(\p{Ll})/gu, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Whole sentences inside one of pdftotext's paragraphs on one page: 6 to 60 words, mostly
 * letters, and none that matches `skip`.
 */
export function referenceSentences(
  file: string,
  page: number,
  options: { pdftotext?: string; skip?: readonly RegExp[] } = {},
): string[] {
  const raw = execFileSync(
    options.pdftotext ?? 'pdftotext',
    ['-f', String(page), '-l', String(page), file, '-'],
    { encoding: 'utf8' },
  );
  const out: string[] = [];
  for (const paragraph of raw.split(/\n\s*\n/)) {
    normalizeText(paragraph)
      .split(/(?<=[.!?])\s+(?=[A-Z])/)
      .forEach((s, i) => {
        if (i === 0 && !/^[A-Z]/.test(s)) return;
        if (!/[.!?]$/.test(s)) return;
        const words = s.split(' ').length;
        if (words < 6 || words > 60) return;
        if ((s.match(/\p{L}/gu)?.length ?? 0) < 0.6 * s.length) return;
        if (options.skip?.some((pattern) => pattern.test(s))) return;
        out.push(s);
      });
  }
  return out;
}
