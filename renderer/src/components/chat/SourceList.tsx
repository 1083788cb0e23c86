import { withoutControlChars } from '../../../../shared/control-chars';
import type { Source } from '../../api/event-types';
import { sourcePlace } from './CitationChip';

/** Sources with title, page and snippet; each opens the passage in the viewer. */
export function SourceList({
  sources,
  active,
  cited,
  onOpen,
}: {
  sources: readonly Source[];
  active?: number | null;
  /** The numbers the answer cites; the others were retrieved but not used. */
  cited?: readonly number[];
  onOpen: (n: number) => void;
}) {
  const used = cited && cited.length > 0 ? new Set(cited) : null;
  return (
    <ol className="source-list">
      {sources.map((s) => (
        <li key={s.n}>
          <button
            type="button"
            className={[
              'source-card',
              s.n === active ? 'source-active' : '',
              used && !used.has(s.n) ? 'source-unused' : '',
            ].join(' ')}
            data-testid="source-card"
            onClick={() => onOpen(s.n)}
          >
            <span className="source-head">
              <span className="source-n" aria-hidden="true">
                {s.n}
              </span>
              <span className="source-title">{s.title}</span>
              {sourcePlace(s) && <span className="source-place">{sourcePlace(s)}</span>}
              {s.ocr && (
                <span className="source-flag" title="Text read by OCR from a scan or image">
                  OCR
                </span>
              )}
              {used && !used.has(s.n) && <span className="source-flag">not cited</span>}
            </span>
            {/* Answers saved before the core cleaned snippets still carry control characters. */}
            <span className="source-snippet">{withoutControlChars(s.snippet)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
