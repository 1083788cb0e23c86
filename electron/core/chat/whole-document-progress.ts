// The words a long whole-document answer shows while it reads: how many sections and why, which
// one is being read, and about how long the rest will take.
import type { Section } from './document-pages';

/**
 * "Reading section 12 of 39 · about 3 min left". The estimate is the mean time of the sections
 * read so far, for the sections left plus one more: writing the answer reads the notes and
 * writes about as much as a section does. None before the first section is done.
 */
export function readingLabel(index: number, total: number, elapsedMs: number): string {
  const label = `Reading section ${index + 1} of ${total}`;
  if (index === 0) return label;
  const perSection = elapsedMs / index;
  return `${label} · ${timeLeft(perSection * (total - index + 1))}`;
}

export function timeLeft(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute left';
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ''} left`;
}

/**
 * Why a document is read in this many sections: the model's context is what limits a section
 * (`sectionTokens` of it hold pages), said in words of this document at its own words-per-token
 * rate, rounded so that it reads as a size.
 */
export function sectionsReason(
  sections: readonly Section[],
  contextSize: number,
  sectionTokens: number,
): string {
  let words = 0;
  let tokens = 0;
  for (const section of sections) {
    tokens += section.tokens;
    for (const passage of section.passages) words += wordCount(passage.text);
  }
  const perSection = roughly(tokens > 0 ? (sectionTokens * words) / tokens : 0);
  const count = `${sections.length} section${sections.length === 1 ? '' : 's'}`;
  return (
    `${count}: the model's ${contextSize.toLocaleString('en-US')}-token context ` +
    `holds about ${perSection.toLocaleString('en-US')} words at a time`
  );
}

/** Two significant figures, as a size is said: 1,234 → 1,200; 456 → 460. */
function roughly(n: number): number {
  if (n < 10) return Math.max(1, Math.round(n));
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

/** Words as a reader counts them. */
function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
