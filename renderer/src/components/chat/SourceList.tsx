import type { Source } from '../../api/event-types';
import { sourcePlace } from './CitationChip';

/** Sources with title, page and snippet; each opens the passage in the viewer. */
export function SourceList({
  sources,
  active,
  onOpen,
}: {
  sources: readonly Source[];
  active?: number | null;
  onOpen: (n: number) => void;
}) {
  return (
    <ol className="source-list">
      {sources.map((s) => (
        <li key={s.n}>
          <button
            type="button"
            className={s.n === active ? 'source-card source-active' : 'source-card'}
            data-testid="source-card"
            onClick={() => onOpen(s.n)}
          >
            <span className="source-head">
              <span className="source-n" aria-hidden="true">
                {s.n}
              </span>
              <span className="source-title">{s.title}</span>
              {sourcePlace(s) && <span className="source-place">{sourcePlace(s)}</span>}
            </span>
            <span className="source-snippet">{s.snippet}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
