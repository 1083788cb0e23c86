import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';

/** The attributes remarkSentenceMarks puts on each `<claim>` element. */
export type ClaimElementProps = {
  'data-claim'?: string;
  'data-verdict'?: string;
  'data-note'?: string;
  'data-evidence'?: string;
  'data-first'?: string;
  children?: ReactNode;
};

/** The ids of the hidden elements that describe a sentence, for `aria-describedby`. */
export function noteId(prefix: string, id: number | string): string {
  return `${prefix}-note-${id}`;
}
export function hintId(prefix: string): string {
  return `${prefix}-evidence-hint`;
}

/**
 * One checked sentence in the answer. A sentence its sources back is left unmarked; the
 * others get a quiet dotted underline, with the check's note as tooltip and description.
 * One with evidence opens the passage at the backing words, by click or by Enter.
 */
export function SentenceMark({
  props,
  idPrefix,
  onEvidence,
}: {
  props: ClaimElementProps;
  idPrefix: string;
  onEvidence: (id: number) => void;
}) {
  const id = Number(props['data-claim']);
  const verdict = props['data-verdict'] ?? 'supported';
  const note = props['data-note'] ?? '';
  const evidence = props['data-evidence'] === 'true';
  const first = props['data-first'] === 'true';
  const describedBy = [note ? noteId(idPrefix, id) : '', evidence ? hintId(idPrefix) : '']
    .filter(Boolean)
    .join(' ');
  const open = () => onEvidence(id);
  const onClick = (e: MouseEvent) => {
    // Chips and links inside the sentence do their own thing; a drag selects text.
    if ((e.target as Element).closest('button, a')) return;
    if (window.getSelection()?.isCollapsed === false) return;
    open();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.target !== e.currentTarget) return;
    e.preventDefault();
    open();
  };
  const className = [
    'claim',
    verdict !== 'supported' ? `claim-${verdict}` : '',
    evidence ? 'claim-evidence' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <span
      className={className}
      data-testid="claim"
      data-verdict={verdict}
      data-claim={id}
      title={note || (evidence ? 'Show where the source says this' : undefined)}
      aria-describedby={describedBy || undefined}
      tabIndex={evidence && first ? 0 : undefined}
      onClick={evidence ? onClick : undefined}
      onKeyDown={evidence ? onKeyDown : undefined}
    >
      {props.children}
    </span>
  );
}
