import { useLayoutEffect, useRef } from 'react';

/**
 * Markdown and text shown as the exact text the indexer read, so the cited offsets line
 * up; the passage is marked and scrolled into view.
 */
export function TextViewer({
  text,
  charStart,
  charEnd,
}: {
  text: string;
  charStart: number;
  charEnd: number;
}) {
  const mark = useRef<HTMLElement>(null);
  const start = Math.max(0, Math.min(charStart, text.length));
  const end = Math.max(start, Math.min(charEnd, text.length));
  useLayoutEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [start, end]);
  return (
    <div className="text-viewer" data-testid="text-viewer" tabIndex={0}>
      <pre className="text-body">
        {text.slice(0, start)}
        {end > start && (
          <mark className="hl" ref={mark}>
            {text.slice(start, end)}
          </mark>
        )}
        {text.slice(end)}
      </pre>
    </div>
  );
}
