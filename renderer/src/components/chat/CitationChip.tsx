import type { Source } from '../../api/event-types';

export function sourcePlace(source: Source): string {
  if (source.pageStart === null) return source.headingPath.join(' › ');
  return source.pageEnd && source.pageEnd !== source.pageStart
    ? `pages ${source.pageStart}–${source.pageEnd}`
    : `page ${source.pageStart}`;
}

/** A [n] marker as a button: opens the cited passage in the viewer. */
export function CitationChip({
  n,
  source,
  onOpen,
}: {
  n: number;
  source: Source | undefined;
  onOpen: (n: number) => void;
}) {
  const place = source ? sourcePlace(source) : '';
  const label = source ? `Source ${n}: ${source.title}${place ? `, ${place}` : ''}` : `Source ${n}`;
  return (
    <button
      type="button"
      className="cite-chip"
      aria-label={label}
      title={label}
      data-testid="citation-chip"
      data-n={n}
      onClick={() => onOpen(n)}
    >
      {n}
    </button>
  );
}
