import { memo, useId, useMemo, type ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { AnswerChecks, Source } from '../../api/event-types';
import { remarkCitations } from '../../chat/citations';
import { splitBlocks } from '../../chat/markdown-blocks';
import {
  marksKey,
  marksPerBlock,
  remarkSentenceMarks,
  type SentenceMark as Mark,
} from '../../chat/sentence-marks';
import { CitationChip } from './CitationChip';
import { SentenceMark, hintId, noteId, type ClaimElementProps } from './SentenceMark';

type Props = {
  text: string;
  sources: readonly Source[];
  onCite: (n: number) => void;
  /** The verdicts on the answer's sentences; their offsets are in `text`. */
  checks?: AnswerChecks | null;
  /** A sentence with evidence was opened; `id` is its start offset in `text`. */
  onEvidence?: (id: number) => void;
};

const NO_MARKS: Mark[] = [];
const ignore = () => {};

function useComponents(
  sources: readonly Source[],
  onCite: (n: number) => void,
  onEvidence: (id: number) => void,
  idPrefix: string,
): Components {
  return useMemo(
    () =>
      ({
        cite: (props: { 'data-n'?: string }) => {
          const n = Number(props['data-n']);
          return <CitationChip n={n} source={sources.find((s) => s.n === n)} onOpen={onCite} />;
        },
        claim: (props: ClaimElementProps) => (
          <SentenceMark props={props} idPrefix={idPrefix} onEvidence={onEvidence} />
        ),
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
    [sources, onCite, onEvidence, idPrefix],
  );
}

type BlockProps = {
  text: string;
  components: Components;
  max: number;
  marks: readonly Mark[];
  marksKey: string;
};

/**
 * Markdown from the model, rendered safely: raw HTML is shown as text (no rehype-raw),
 * URLs pass react-markdown's default filter, [n] markers become citation chips, and checked
 * sentences are wrapped by their offsets before the chips are made.
 */
const MarkdownBlock = memo(
  function MarkdownBlock({ text, components, max, marks, marksKey: key }: BlockProps) {
    const plugins = useMemo(
      () => [remarkGfm, [remarkSentenceMarks, { marks }], [remarkCitations, { max }]] as const,
      // `marks` is a new array each frame; its key says when it really changed.
      [max, key],
    );
    return (
      <Markdown remarkPlugins={plugins as never} components={components}>
        {text}
      </Markdown>
    );
  },
  (a, b) =>
    a.text === b.text &&
    a.components === b.components &&
    a.max === b.max &&
    a.marksKey === b.marksKey,
);

/** Hidden notes that `aria-describedby` points at: read by screen readers, never shown. */
function SentenceNotes({ checks, idPrefix }: { checks: AnswerChecks; idPrefix: string }) {
  const noted = checks.sentences.filter((s) => s.note);
  return (
    <div hidden>
      {noted.map((s) => (
        <span key={s.start} id={noteId(idPrefix, s.start)}>
          {s.note}
        </span>
      ))}
      <span id={hintId(idPrefix)}>Press Enter to see the words in the source that back it.</span>
    </div>
  );
}

/**
 * The answer as Markdown blocks: each finished block is parsed once and memoised, so while
 * an answer streams only its last block is parsed again per frame, and finishing costs
 * nothing extra. A finished block is parsed again only when its own sentences' checks change.
 */
export const MarkdownAnswer = memo(function MarkdownAnswer({
  text,
  sources,
  onCite,
  checks = null,
  onEvidence = ignore,
  streaming = false,
}: Props & { streaming?: boolean }) {
  const idPrefix = useId();
  const components = useComponents(sources, onCite, onEvidence, idPrefix);
  const blocks = splitBlocks(text);
  const marks = checks ? marksPerBlock(checks, blocks) : null;
  return (
    <>
      <div className={streaming ? 'markdown markdown-streaming' : 'markdown'}>
        {blocks.map((block, i) => {
          const own = marks?.[i] ?? NO_MARKS;
          return (
            <MarkdownBlock
              key={i}
              text={block}
              components={components}
              max={sources.length}
              marks={own}
              marksKey={marksKey(own)}
            />
          );
        })}
        {streaming && <span className="caret" aria-hidden="true" />}
      </div>
      {/* Outside the text, so copying or reading the answer's text never includes it. */}
      {checks && <SentenceNotes checks={checks} idPrefix={idPrefix} />}
    </>
  );
});
