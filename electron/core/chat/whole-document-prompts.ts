// The prompts of a whole-document answer read section by section, and the notes they produce.
import { findCitationMarkers } from '../../../shared/citations';
import type { ChatProvider } from './chat-types';
import type { GenerateOutcome } from './generate-answer';
import type { MessageWriter } from './message-writer';
import { formatSource, type Passage, type PromptTurn } from './prompt';

import type { Usage } from '../../../shared/generation';

export type { Usage };
/** What one section (or a group of sections) says; its citations are document-wide page sources. */
export type Note = { sections: string; pages: string; text: string };

const SECTION_SYSTEM = [
  'You are Quire. You are reading one section of a longer document, to help answer a question about the whole document.',
  'Write down everything in this section that helps answer the question, citing each point with the number of its source in square brackets, like [1] or [2][3].',
  'If nothing in this section helps, write only: Nothing relevant.',
].join(' ');

const NOTES_SYSTEM = [
  'You are Quire. You answer a question about one whole document from notes taken while reading it section by section.',
  'The notes cite the pages of the document with numbers in square brackets. Cite every claim with those same numbers, like [3] or [4][12]; never change or invent a number.',
  'If the notes do not answer the question, say that the document does not say. Answer in the language of the question. Be concise.',
].join(' ');

const NOTHING = /^\s*nothing relevant\.?\s*$/i;
const TURN_OVERHEAD = 24;
const MAX_COMBINING_ROUNDS = 10;

export function sectionPrompt(
  title: string,
  index: number,
  total: number,
  pages: string,
  passages: readonly Passage[],
  question: string,
): PromptTurn[] {
  const where = `Section ${index} of ${total}${pages ? ` (${pages})` : ''} of “${title}”`;
  const blocks = passages.map((p, i) => formatSource(i + 1, p)).join('\n\n');
  return [
    { role: 'system', content: SECTION_SYSTEM },
    { role: 'user', content: `${where}:\n\n${blocks}\n\nQuestion: ${question}` },
  ];
}

/** The prompt that turns notes into an answer: notes in order, as many as fit in `room`. */
export async function notesPrompt(
  title: string,
  notes: readonly Note[],
  question: string,
  room: number,
  countTokens: (text: string) => Promise<number>,
): Promise<PromptTurn[]> {
  const head = `Notes on “${title}”, section by section:`;
  const tail = `Question: ${question}`;
  let left =
    room -
    (await countTokens(NOTES_SYSTEM)) -
    (await countTokens(head)) -
    (await countTokens(tail)) -
    TURN_OVERHEAD;
  const blocks: string[] = [];
  for (const note of notes) {
    let block = noteBlock(note);
    let cost = (await countTokens(block)) + 2;
    while (cost > left && block.length > 0) {
      // Cut at a word; the part that fits still carries its citations.
      block = block
        .slice(0, Math.floor(block.length * Math.min(0.9, left / cost)))
        .replace(/\s+\S*$/, '');
      cost = block ? (await countTokens(block)) + 2 : 0;
    }
    if (!block) break;
    blocks.push(block);
    left -= cost;
  }
  return [
    { role: 'system', content: NOTES_SYSTEM },
    { role: 'user', content: `${head}\n\n${blocks.join('\n\n')}\n\n${tail}` },
  ];
}

function noteBlock(note: Note): string {
  const where = note.pages ? `${note.sections} (${note.pages})` : note.sections;
  return `${where}:\n${NOTHING.test(note.text) ? 'Nothing relevant.' : note.text.trim()}`;
}

/**
 * While the notes do not fit one prompt, groups of them are combined into shorter notes,
 * keeping their page citations. Returns notes that fit (or that the last round cut).
 */
export async function combineNotes(options: {
  provider: ChatProvider;
  writer: MessageWriter;
  notes: Note[];
  title: string;
  question: string;
  room: number;
  noteTokens: number;
  signal: AbortSignal;
  sessionKey: string;
  usage: Usage;
}): Promise<Note[]> {
  const { provider, writer, question, room } = options;
  const count = (text: string) => provider.countTokens(text);
  const relevant = options.notes.filter((n) => !NOTHING.test(n.text));
  let notes = relevant.length > 0 ? relevant : options.notes;
  const budget = room - (await count(NOTES_SYSTEM)) - (await count(question)) - 2 * TURN_OVERHEAD;
  for (let round = 1; round <= MAX_COMBINING_ROUNDS; round++) {
    const groups = await groupNotes(notes, budget, count);
    if (groups.length <= 1) return notes;
    const combined: Note[] = [];
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const label = `Combining notes ${g + 1} of ${groups.length}`;
      writer.step(`combine-${round}-${g + 1}`, 'running', label, 'thinking');
      let text = '';
      const messages = await notesPrompt(options.title, group, question, room, count);
      const outcome = await collectText(
        provider,
        messages,
        options.noteTokens,
        options.signal,
        options.sessionKey,
        (t) => (text += t),
      );
      options.usage.promptTokens += outcome.usage.promptTokens;
      options.usage.completionTokens += outcome.usage.completionTokens;
      const merged = {
        sections: spanOf(group.map((n) => n.sections)),
        pages: spanOf(group.map((n) => n.pages).filter(Boolean)),
        text: keepKnownCitations(text, group),
      };
      if (options.signal.aborted) return [...combined, merged, ...groups.slice(g + 1).flat()];
      combined.push(merged);
      writer.step(`combine-${round}-${g + 1}`, 'done', label, 'thinking');
    }
    notes = combined;
  }
  return notes;
}

async function groupNotes(
  notes: readonly Note[],
  budget: number,
  count: (text: string) => Promise<number>,
): Promise<Note[][]> {
  const groups: Note[][] = [];
  let used = 0;
  for (const note of notes) {
    const cost = (await count(noteBlock(note))) + 2;
    const last = groups.at(-1);
    if (last && used + cost <= budget) {
      last.push(note);
      used += cost;
    } else {
      groups.push([note]);
      used = cost;
    }
  }
  return groups;
}

/** "Sections 1–4 (pages 1–9)" from its parts' labels. */
function spanOf(labels: string[]): string {
  if (labels.length === 0) return '';
  const first = labels[0]!.match(/\d+/)?.[0];
  const last = labels.at(-1)!.match(/(\d+)\D*$/)?.[1];
  const word = labels[0]!.split(' ')[0]!.replace(/s$/, '');
  return first === last ? labels[0]! : `${word}s ${first}–${last}`;
}

/** A combined note may only cite pages its notes cited: anything else would be invented. */
function keepKnownCitations(text: string, group: readonly Note[]): string {
  const known = new Set(
    group.flatMap((n) => findCitationMarkers(n.text, 999).flatMap((m) => m.numbers)),
  );
  return rewriteCitations(text, (n) => (known.has(n) ? n : null));
}

/** A section's note with its local source numbers ([1] = the section's first page) made document-wide. */
export function localToDocumentCitations(text: string, sourceNumbers: readonly number[]): string {
  return rewriteCitations(text, (n) => sourceNumbers[n - 1] ?? null);
}

function rewriteCitations(text: string, map: (n: number) => number | null): string {
  let out = '';
  let at = 0;
  for (const marker of findCitationMarkers(text, 999)) {
    const numbers = [...new Set(marker.numbers.map(map).filter((n): n is number => n !== null))];
    out += text.slice(at, marker.index);
    // A number the section did not have is dropped, so it cannot become a wrong page.
    if (numbers.length > 0) out += `[${numbers.join(', ')}]`;
    at = marker.index + marker.length;
  }
  return out + text.slice(at);
}

/** What a stopped answer keeps: the notes written so far, each under its section and pages. */
export function notesSoFar(
  notes: readonly Note[],
  partial: Note | null,
  sectionsRead: number,
  sectionCount: number,
): string {
  const read = notes.filter((n) => !NOTHING.test(n.text) && n.text.trim());
  const all = partial && partial.text.trim() ? [...read, partial] : read;
  const head =
    `Stopped before the answer was written (${sectionsRead} of ${sectionCount} sections read). ` +
    (all.length ? 'What the document says so far:' : 'Nothing relevant was found so far.');
  return [head, ...all.map((n) => `**${noteHeading(n)}**: ${n.text.trim()}`)].join('\n\n');
}

function noteHeading(note: Note): string {
  return note.pages ? `${note.sections}, ${note.pages}` : note.sections;
}

/** Runs one prompt to completion without showing it: a section's or a group's note. */
export async function collectText(
  provider: ChatProvider,
  messages: PromptTurn[],
  maxTokens: number,
  signal: AbortSignal,
  sessionKey: string,
  onToken: (token: string) => void,
): Promise<GenerateOutcome> {
  const generator = provider.stream({ messages, maxTokens, signal, sessionKey });
  for (;;) {
    const next = await generator.next();
    if (next.done) return next.value;
    if (next.value) onToken(next.value);
  }
}
