import { memo, useMemo, type ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Source } from '../../api/event-types';
import { remarkCitations } from '../../chat/citations';
import { splitBlocks } from '../../chat/markdown-blocks';
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

/**
 * The answer as Markdown blocks: each finished block is parsed once and memoised, so while
 * an answer streams only its last block is parsed again per frame, and finishing costs
 * nothing extra.
 */
export const MarkdownAnswer = memo(function MarkdownAnswer({
  text,
  sources,
  onCite,
  streaming = false,
}: Props & { streaming?: boolean }) {
  const components = useComponents(sources, onCite);
  const blocks = splitBlocks(text);
  return (
    <div className={streaming ? 'markdown markdown-streaming' : 'markdown'}>
      {blocks.map((block, i) => (
        <MarkdownBlock key={i} text={block} components={components} max={sources.length} />
      ))}
      {streaming && <span className="caret" aria-hidden="true" />}
    </div>
  );
});
