/**
 * The one citation grammar, for the core (which citations an answer makes) and the renderer
 * (which markers become chips): [2], [1, 3], [2–4] or [2-4]. A marker counts only when every
 * number in it is a source, so "[2023]" or "[0]" stays text.
 */
const MARKER = /\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/g;
/** A range longer than this is not a citation ("[1-200]" is not 200 sources). */
const MAX_RANGE = 20;

export type CitationMarker = { index: number; length: number; numbers: number[] };

/** The numbers inside one marker's brackets, or null when it is not a citation of 1..max. */
export function markerNumbers(inner: string, max: number): number[] | null {
  const numbers: number[] = [];
  for (const part of inner.split(/\s*,\s*/)) {
    const bounds = part.split(/\s*[–-]\s*/).map(Number);
    const from = bounds[0] ?? Number.NaN;
    const to = bounds[1] ?? from;
    if (!valid(from, max) || !valid(to, max) || to < from) return null;
    if (to - from > MAX_RANGE) return null;
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  return numbers;
}

export function findCitationMarkers(text: string, max: number): CitationMarker[] {
  const markers: CitationMarker[] = [];
  for (const match of text.matchAll(MARKER)) {
    const numbers = markerNumbers(match[1] ?? '', max);
    if (numbers) markers.push({ index: match.index, length: match[0].length, numbers });
  }
  return markers;
}

/** The sources an answer cites, each once, in order of first appearance. */
export function citedSources(text: string, max: number): number[] {
  const seen = new Set<number>();
  for (const marker of findCitationMarkers(text, max)) for (const n of marker.numbers) seen.add(n);
  return [...seen];
}

function valid(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= max;
}
