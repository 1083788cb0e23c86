import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { DocumentInfo } from '../../../../shared/documents';
import { DocumentRow, type RowActions } from './DocumentRow';

const ROW_HEIGHT = 76;
const rowHeight = () => ROW_HEIGHT;

/**
 * Virtualised: only the rows in view exist in the DOM, so 20,000 documents stay smooth.
 * Rows come from `rowAt`; one not fetched yet shows as a placeholder, and `onRange` tells
 * the caller which rows are in view so it can fetch them.
 */
export function DocumentList({
  count,
  rowAt,
  onRange,
  etas,
  actions,
}: {
  count: number;
  rowAt: (index: number) => DocumentInfo | undefined;
  onRange?: (first: number, last: number) => void;
  /** Time left per indexing document, where there is an estimate. */
  etas: ReadonlyMap<string, number>;
  actions: RowActions;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // No getItemKey: the virtualizer re-measures every row whenever that function changes, and
  // rowAt changes with every page that arrives (20,000 rows re-measured a frame while
  // scrolling). Rows have one fixed height, so positions by index are exact; React keys below
  // still follow the document.
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: rowHeight,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => onRange?.(first, last), [onRange, first, last]);
  return (
    <div className="doc-scroller" ref={scroller} tabIndex={-1}>
      <div
        className="doc-list"
        role="list"
        aria-label="Documents"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const doc = rowAt(item.index);
          return (
            <div
              key={doc?.id ?? `row-${item.index}`}
              className="doc-slot"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              {doc ? (
                <DocumentRow
                  doc={doc}
                  etaMs={etas.get(doc.id) ?? null}
                  actions={actions}
                  position={item.index + 1}
                  total={count}
                />
              ) : (
                <div className="doc-row doc-row-pending" role="listitem" aria-busy="true" />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
