import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { DocumentInfo } from '../../../../shared/documents';
import { DocumentRow, type RowActions } from './DocumentRow';

const ROW_HEIGHT = 76;

/** Virtualised: only the rows in view exist in the DOM, so 10,000 documents stay smooth. */
export function DocumentList({
  docs,
  etas,
  actions,
}: {
  docs: readonly DocumentInfo[];
  /** Time left per indexing document, where there is an estimate. */
  etas: ReadonlyMap<string, number>;
  actions: RowActions;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: docs.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => docs[index]?.id ?? index,
  });
  return (
    <div className="doc-scroller" ref={scroller} tabIndex={-1}>
      <div
        className="doc-list"
        role="list"
        aria-label="Documents"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const doc = docs[item.index];
          if (!doc) return null;
          return (
            <div
              key={item.key}
              className="doc-slot"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <DocumentRow
                doc={doc}
                etaMs={etas.get(doc.id) ?? null}
                actions={actions}
                position={item.index + 1}
                total={docs.length}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
