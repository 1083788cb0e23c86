import {
  checksSummary,
  type AnswerChecks,
  type SentenceCheck,
} from '../../../shared/answer-checks';
import type { Message } from '../../../shared/contract/chat';
import { withoutControlChars } from '../../../shared/control-chars';
import type { Conversation, Source } from '../../../shared/events';

/** Citation markers as the pipeline writes them: [1], [1, 2], [1-3]. */
const MARKER = /\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/g;

/** Backslash-escapes what Markdown would read as emphasis, links, code or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** Footnote label of source `n` in the `answer`-th answer: answers never share a label. */
export function footnoteLabel(answer: number, n: number): string {
  return `${answer}-${n}`;
}

function numbersIn(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.split(/\s*,\s*/)) {
    const [from, to = from] = part.split(/\s*[–-]\s*/).map(Number) as [number, number?];
    for (let n = from; n <= Math.min(to, from + 20); n++) numbers.push(n);
  }
  return numbers;
}

/** Replaces [n] markers by footnote references, outside code; returns the numbers used. */
function withFootnotes(text: string, answer: number, known: Set<number>) {
  const used = new Set<number>();
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]*`)/);
  const linked = parts
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(MARKER, (marker, group: string) => {
            const numbers = numbersIn(group);
            if (!numbers.every((n) => known.has(n))) return marker;
            for (const n of numbers) used.add(n);
            return numbers.map((n) => `[^${footnoteLabel(answer, n)}]`).join('');
          }),
    )
    .join('');
  return { linked, used: [...used].sort((a, b) => a - b) };
}

/** Where a passage is: its page, else its headings. */
function placeOf(source: Source): string {
  if (source.pageStart) {
    const pages =
      source.pageEnd && source.pageEnd !== source.pageStart
        ? `pages ${source.pageStart}–${source.pageEnd}`
        : `page ${source.pageStart}`;
    return `, ${pages}`;
  }
  return source.headingPath.length ? `, ${escapeMarkdown(source.headingPath.join(' › '))}` : '';
}

function describeSource(source: Source): string {
  // Answers saved before snippets were cleaned may still carry control characters.
  const snippet = withoutControlChars(source.snippet);
  return `*${escapeMarkdown(source.title)}*${placeOf(source)}: "${escapeMarkdown(snippet)}"`;
}

/**
 * "Pinned documents: *a.pdf*, *b.md*": a reader of the export should know that every answer
 * also had these whole documents. A title the library no longer knows is taken from the
 * answers' sources; the command line, without a library, relies on that alone.
 */
function pinnedLine(
  conversation: Conversation,
  messages: readonly Message[],
  titleOf: (documentId: string) => string | undefined,
): string | null {
  const ids = conversation.pinnedDocumentIds ?? [];
  if (ids.length === 0) return null;
  const fromSources = (id: string) =>
    messages.flatMap((m) => m.sources).find((s) => s.documentId === id)?.title;
  const titles = ids.map((id) => {
    const title = titleOf(id) ?? fromSources(id);
    return title ? `*${escapeMarkdown(title)}*` : 'a document no longer in the library';
  });
  return `${ids.length === 1 ? 'Pinned document' : 'Pinned documents'}: ${titles.join(', ')}.`;
}

/** The sentences an answer's checks do not find backed by their sources, in reading order. */
export function notBackedSentences(checks: AnswerChecks | null | undefined): SentenceCheck[] {
  return (checks?.sentences ?? [])
    .filter((s) => s.verdict !== 'supported')
    .sort((a, b) => a.start - b.start);
}

/** `text` with `mark(i)` right after the i-th of `sentences`, at the offsets the checks gave. */
export function markSentences(
  text: string,
  sentences: readonly SentenceCheck[],
  mark: (index: number) => string,
): string {
  const at = sentences.map((s, i) => ({ i, end: Math.min(s.end, text.length) }));
  let marked = text;
  // From the last sentence back, so that the offsets before each insertion stay true.
  for (const { i, end } of at.sort((a, b) => b.end - a.end || b.i - a.i))
    marked = `${marked.slice(0, end)}${mark(i)}${marked.slice(end)}`;
  return marked;
}

const NOT_BACKED: Record<Exclude<SentenceCheck['verdict'], 'supported'>, string> = {
  partly: 'Partly backed by its sources',
  unsupported: 'Not backed by its sources',
  uncited: 'Cites no source',
};

/** "Partly backed by its sources: 1991 is not in source 1." */
export function checkFootnoteText(check: SentenceCheck): string {
  const note = check.note.trim().replace(/\.$/, '');
  if (check.verdict === 'supported') return 'Backed by its sources.';
  // An uncited sentence's note already says so in full ("No source is cited for this.").
  if (check.verdict === 'uncited') return `${note || NOT_BACKED.uncited}.`;
  return note ? `${NOT_BACKED[check.verdict]}: ${note}.` : `${NOT_BACKED[check.verdict]}.`;
}

/** Footnote label of the i-th sentence (from 1) its sources do not back, in the `answer`-th answer. */
export function checkFootnoteLabel(answer: number, i: number): string {
  return `check-${answer}-${i}`;
}

const STATUS_NOTES: Partial<Record<Message['status'], string>> = {
  cancelled: '*(Stopped before the end.)*',
  interrupted: '*(Interrupted: Quire closed while writing this answer.)*',
  streaming: '*(Still being written when exported.)*',
};

/** The passages themselves: no model (search mode), or a question the library does not cover. */
function passagesBlock(message: Message): string[] {
  const closest = message.mode === 'closest';
  const text = message.text.trim() || (closest ? "Your documents don't say." : '');
  const lines = ['### Quire', ''];
  if (text) lines.push(text, '');
  if (closest && message.sources.length) lines.push('Closest matches:', '');
  for (const source of message.sources) lines.push(`${source.n}. ${describeSource(source)}`);
  return [...lines, ''];
}

function answerBlock(message: Message, answer: number): string[] {
  if (message.mode === 'search' || message.mode === 'closest') return passagesBlock(message);
  const lines = ['### Quire', ''];
  const bySource = new Map(message.sources.map((s) => [s.n, s]));
  // Check marks go in first: citation linking only rewrites [n] markers, never [^…] references.
  const flagged = notBackedSentences(message.checks);
  const marked = markSentences(
    message.text,
    flagged,
    (i) => `[^${checkFootnoteLabel(answer, i + 1)}]`,
  );
  const { linked, used } = withFootnotes(marked.trim(), answer, new Set(bySource.keys()));
  if (linked) lines.push(linked, '');
  const summary = message.checks ? checksSummary(message.checks) : null;
  if (summary) lines.push(`*${summary}.*`, '');
  if (summary && message.checks?.note) lines.push(`*${escapeMarkdown(message.checks.note)}*`, '');
  const note = STATUS_NOTES[message.status];
  if (note) lines.push(note, '');
  if (message.status === 'error' && message.error) lines.push(`*(${message.error.message})*`, '');
  for (const n of used)
    lines.push(`[^${footnoteLabel(answer, n)}]: ${describeSource(bySource.get(n)!)}`);
  flagged.forEach((check, i) =>
    lines.push(
      `[^${checkFootnoteLabel(answer, i + 1)}]: ${escapeMarkdown(checkFootnoteText(check))}`,
    ),
  );
  if (used.length || flagged.length) lines.push('');
  return lines;
}

/** `what-changed-in-2024.md`: the title, plain ASCII, safe on every file system. */
export function exportFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'conversation'}.md`;
}

/**
 * A conversation as Markdown: questions, answers, and each cited passage as a footnote
 * (document, page, quoted passage); each sentence its sources do not back has a footnote
 * saying why. The same stored conversation always gives the same text.
 */
export function exportConversation(
  conversation: Conversation,
  messages: readonly Message[],
  titleOf: (documentId: string) => string | undefined = () => undefined,
): { markdown: string; fileName: string } {
  const updated = new Date(conversation.updatedAt).toISOString().slice(0, 10);
  const lines = [
    `# ${escapeMarkdown(conversation.title)}`,
    '',
    `*Exported from Quire; last updated ${updated}.*`,
    '',
  ];
  const pinned = pinnedLine(conversation, messages, titleOf);
  if (pinned) lines.push(pinned, '');
  let answers = 0;
  for (const message of messages) {
    if (message.role === 'user') lines.push('### You', '', message.text.trim(), '');
    else lines.push(...answerBlock(message, ++answers));
  }
  return {
    markdown: `${lines.join('\n').trimEnd()}\n`,
    fileName: exportFileName(conversation.title),
  };
}
