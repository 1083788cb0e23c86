import { memo, useMemo, type ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Source } from '../../api/event-types';
import { remarkCitations } from '../../chat/citations';
import { splitStableBlocks } from '../../chat/markdown-blocks';
import { CitationChip } from './CitationChip';

type Props = {
  text: string;
  sources: readonly Source[];
  onCite: (n: number) => void;
};

function useComponents(sources: readonly Source[], onCite: (n: number) => void): Components {
  return useMemo(
    () =>
      ({
        cite: (props: { 'data-n'?: string }) => {
          const n = Number(props['data-n']);
          return <CitationChip n={n} source={sources.find((s) => s.n === n)} onOpen={onCite} />;
        },
        // Links from a model open outside Quire, never inside the app window.
        a: ({ href, children }: ComponentProps<'a'>) => (
          <a href={href} target="_blank" rel="noreferrer noopener">
            {children}
          </a>
        ),
        table: ({ children }: ComponentProps<'table'>) => (
          <div className="table-wrap">
            <table>{children}</table>
          </div>
        ),
      }) as Components,
    [sources, onCite],
  );
}

/**
 * Markdown from the model, rendered safely: raw HTML is shown as text (no rehype-raw),
 * URLs pass react-markdown's default filter, and [n] markers become citation chips.
 */
const MarkdownBlock = memo(function MarkdownBlock({
  text,
  components,
  max,
}: {
  text: string;
  components: Components;
  max: number;
}) {
  const plugins = useMemo(() => [remarkGfm, [remarkCitations, { max }]] as const, [max]);
  return (
    <Markdown remarkPlugins={plugins as never} components={components}>
      {text}
    </Markdown>
  );
});

/** A finished answer: parsed once, then memoised. */
export const MarkdownAnswer = memo(function MarkdownAnswer({ text, sources, onCite }: Props) {
  const components = useComponents(sources, onCite);
  return (
    <div className="markdown">
      <MarkdownBlock text={text} components={components} max={sources.length} />
    </div>
  );
});

/**
 * An answer still arriving: finished blocks are memoised, only the block being written
 * is parsed again on each frame.
 */
export function StreamingAnswer({ text, sources, onCite }: Props) {
  const components = useComponents(sources, onCite);
  const { stable, tail } = splitStableBlocks(text);
  return (
    <div className="markdown markdown-streaming">
      {stable && <MarkdownBlock text={stable} components={components} max={sources.length} />}
      <MarkdownBlock text={tail} components={components} max={sources.length} />
      <span className="caret" aria-hidden="true" />
    </div>
  );
}
