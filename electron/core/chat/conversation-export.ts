import type { Message } from '../../../shared/contract/chat';
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
  return `*${escapeMarkdown(source.title)}*${placeOf(source)}: "${escapeMarkdown(source.snippet)}"`;
}

const STATUS_NOTES: Partial<Record<Message['status'], string>> = {
  cancelled: '*(Stopped before the end.)*',
  interrupted: '*(Interrupted: Quire closed while writing this answer.)*',
  streaming: '*(Still being written when exported.)*',
};

function answerBlock(message: Message, answer: number): string[] {
  const lines = ['### Quire', ''];
  if (message.mode === 'search') {
    lines.push(message.text.trim(), '');
    for (const source of message.sources) lines.push(`${source.n}. ${describeSource(source)}`);
    return [...lines, ''];
  }
  const bySource = new Map(message.sources.map((s) => [s.n, s]));
  const { linked, used } = withFootnotes(message.text.trim(), answer, new Set(bySource.keys()));
  if (linked) lines.push(linked, '');
  const note = STATUS_NOTES[message.status];
  if (note) lines.push(note, '');
  if (message.status === 'error' && message.error) lines.push(`*(${message.error.message})*`, '');
  for (const n of used)
    lines.push(`[^${footnoteLabel(answer, n)}]: ${describeSource(bySource.get(n)!)}`);
  if (used.length) lines.push('');
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
 * (document, page, quoted passage). The same stored conversation always gives the same text.
 */
export function exportConversation(
  conversation: Conversation,
  messages: readonly Message[],
): { markdown: string; fileName: string } {
  const updated = new Date(conversation.updatedAt).toISOString().slice(0, 10);
  const lines = [
    `# ${escapeMarkdown(conversation.title)}`,
    '',
    `*Exported from Quire; last updated ${updated}.*`,
    '',
  ];
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
