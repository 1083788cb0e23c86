// A question about one whole document: sent whole when it fits the model's context, otherwise
// read section by section (map) and the sections' notes combined into one answer (reduce).
// Sources are the document's pages, numbered once for the whole answer, so every citation in
// a note or in the answer points at the page it came from.
import type { Message } from '../../../shared/contract/chat';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { EventData, Source } from '../../../shared/events';
import type { ChatDeps, ChatProvider, Plan } from './chat-types';
import { packSections, pagePassages, pagesLabel, sourceCost, type Section } from './document-pages';
import { CONTEXT_MARGIN_TOKENS, generate } from './generate-answer';
import type { MessageWriter } from './message-writer';
import { startAnswerChecks } from './answer-checks';
import { answerReserve } from './context-fit';
import { buildPrompt, snippetOf, SYSTEM_PROMPT, type Passage } from './prompt';
import {
  collectText,
  combineNotes,
  localToDocumentCitations,
  notesPrompt,
  notesSoFar,
  sectionPrompt,
  type Note,
  type Usage,
} from './whole-document-prompts';
import { readingLabel, sectionsReason } from './whole-document-progress';

const PROMPT_OVERHEAD = 24;

type RunOptions = { signal: AbortSignal; regenerate: boolean };

export async function answerWholeDocument(
  deps: ChatDeps,
  writer: MessageWriter,
  question: Message,
  plan: Plan,
  options: RunOptions,
): Promise<void> {
  const provider = plan.provider;
  if (!provider)
    throw new QuireError(
      'no_provider',
      plan.providerProblem
        ? `The language model could not be used: ${plan.providerProblem}`
        : 'A question about a whole document needs a language model. Choose one in Settings: a local GGUF file, Ollama, or a provider you trust.',
    );
  if (!deps.documentText || question.documentId === undefined)
    throw new QuireError('internal', 'Whole-document questions are not available here.');
  writer.step('open', 'running', 'Opening the document', 'action');
  const doc = await deps.documentText(question.documentId);
  const pages = pagePassages(doc);
  if (pages.length === 0) throw new QuireError('empty_file', `“${doc.title}” has no text to read.`);
  const sources: Source[] = pages.map((page, i) => sourceOf(page, i + 1));
  writer.emit('message.sources', { sources, mode: 'answer' });
  writer.save({ sources, mode: 'answer' });
  const unit = pages.some((p) => p.pageStart !== null) ? 'pages' : 'parts';
  writer.step('open', 'done', `Opened “${doc.title}” (${pages.length} ${unit})`, 'action');

  const count = (text: string) => provider.countTokens(text);
  const contextSize = await provider.contextSize();
  const answerTokens = answerReserve(contextSize, deps.maxAnswerTokens);
  const room = contextSize - answerTokens - CONTEXT_MARGIN_TOKENS;
  const fixed = (await count(SYSTEM_PROMPT)) + (await count(question.text)) + PROMPT_OVERHEAD;
  let whole = fixed;
  for (let i = 0; i < pages.length && whole <= room; i++)
    whole += await sourceCost(i + 1, pages[i]!, count);
  const run = {
    deps,
    writer,
    provider,
    question,
    title: doc.title,
    answerTokens,
    room,
    options,
    sources,
  };
  if (whole <= room) return sendWhole(run, pages);
  return mapAndReduce(run, pages, contextSize);
}

type Run = {
  deps: ChatDeps;
  writer: MessageWriter;
  provider: ChatProvider;
  question: Message;
  title: string;
  answerTokens: number;
  room: number;
  options: RunOptions;
  /** One per page, numbered as the pages are; a stop keeps those that were read. */
  sources: Source[];
};

/** The document fits: one prompt with every page as a numbered source. */
async function sendWhole(run: Run, pages: Passage[]): Promise<void> {
  const { writer, options } = run;
  const prompt = await buildPrompt({
    question: run.question.text,
    passages: pages,
    history: [],
    budgetTokens: run.room,
    countTokens: (t) => run.provider.countTokens(t),
  });
  await startAnswerChecks(
    run.deps,
    writer,
    prompt.sources.map((s) => ({ n: s.n, text: pages[s.n - 1]!.text })),
  );
  const outcome = await generate(
    run.deps,
    writer,
    run.provider,
    { messages: prompt.messages, answerTokens: run.answerTokens, sessionKey: sessionKeyOf(run) },
    options,
    { name: 'write', label: 'Writing the answer from the whole document' },
  );
  await writer.finish(options.signal.aborted ? 'cancelled' : outcome.finishReason, outcome.usage);
}

/** Too long for one prompt: notes per section, in document order, then one answer from them. */
async function mapAndReduce(run: Run, pages: Passage[], contextSize: number): Promise<void> {
  const { writer, provider, options } = run;
  const count = (text: string) => provider.countTokens(text);
  // Notes are short so that many of them fit one combining prompt.
  const noteTokens = Math.max(16, Math.min(run.answerTokens, Math.floor(run.room / 4)));
  const sectionRoom = contextSize - noteTokens - CONTEXT_MARGIN_TOKENS;
  const empty = sectionPrompt(run.title, 1, 1, '', [], run.question.text);
  const sectionFixed = (await count(empty.map((t) => t.content).join('\n'))) + PROMPT_OVERHEAD + 16;
  const sectionTokens = sectionRoom - sectionFixed;
  const sections = await packSections(pages, sectionTokens, count);
  // Said up front, so a long run is not a surprise: the context is what sets the count.
  writer.step('sections', 'done', sectionsReason(sections, contextSize, sectionTokens), 'thinking');
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  const notes: Note[] = [];
  const reading: Reading = { index: 0, text: '', note: null };
  const started = performance.now();
  try {
    for (let i = 0; i < sections.length; i++) {
      const section = sections[i]!;
      // One step for all sections, its label and progress updated as each one starts.
      progressStep(writer, {
        step: 'read',
        status: 'running',
        label: readingLabel(i, sections.length, performance.now() - started),
        category: 'action',
        progress: i / sections.length,
      });
      reading.index = i;
      reading.text = '';
      reading.note = {
        sections: `Section ${i + 1}`,
        pages: pagesLabel(section.passages),
        sourceNumbers: section.sourceNumbers,
      };
      const messages = sectionPrompt(
        run.title,
        i + 1,
        sections.length,
        pagesLabel(section.passages),
        section.passages,
        run.question.text,
      );
      const outcome = await collectText(
        provider,
        messages,
        noteTokens,
        options.signal,
        sessionKeyOf(run),
        (t) => (reading.text += t),
      );
      usage.promptTokens += outcome.usage.promptTokens;
      usage.completionTokens += outcome.usage.completionTokens;
      if (options.signal.aborted) return stopWithNotes(run, notes, reading, sections, usage, i);
      notes.push(noteOf(reading)!);
      reading.note = null;
    }
  } catch (error) {
    if (options.signal.aborted)
      return stopWithNotes(run, notes, reading, sections, usage, notes.length);
    const shape = toErrorShape(error);
    throw new QuireError(
      shape.code,
      `Reading “${run.title}” failed at section ${reading.index + 1} of ${sections.length}, so there is no answer from the whole document. ${shape.message}`,
      { retryable: shape.retryable ?? false, cause: error },
    );
  }
  writer.step('read', 'done', `Read all ${sections.length} sections`, 'action');
  let combined: Note[];
  try {
    combined = await combineNotes({
      provider,
      writer,
      notes,
      title: run.title,
      question: run.question.text,
      room: run.room,
      noteTokens,
      signal: options.signal,
      sessionKey: sessionKeyOf(run),
      usage,
    });
  } catch (error) {
    if (options.signal.aborted) return stopWithNotes(run, notes, null, sections, usage);
    const shape = toErrorShape(error);
    throw new QuireError(
      shape.code,
      `Combining the notes on “${run.title}” failed, so there is no answer from the whole document. ${shape.message}`,
      { retryable: shape.retryable ?? false, cause: error },
    );
  }
  if (options.signal.aborted) return stopWithNotes(run, combined, null, sections, usage);
  // The notes keep the document's page numbers, so the answer cites the pages themselves.
  await startAnswerChecks(
    run.deps,
    writer,
    pages.map((page, i) => ({ n: i + 1, text: page.text })),
  );
  const outcome = await generate(
    run.deps,
    writer,
    provider,
    {
      messages: await notesPrompt(run.title, combined, run.question.text, run.room, count),
      answerTokens: run.answerTokens,
      sessionKey: sessionKeyOf(run),
    },
    options,
    { name: 'reduce', label: `Writing the answer from ${notes.length} sections` },
  );
  usage.promptTokens += outcome.usage.promptTokens;
  usage.completionTokens += outcome.usage.completionTokens;
  await writer.finish(options.signal.aborted ? 'cancelled' : outcome.finishReason, usage);
}

/**
 * Stopped before the answer was written: what the sections said so far is the answer kept, and
 * its sources are the pages that were read, not the whole document. Sections go in page order,
 * so those pages are the first ones and every source keeps its number (and its citations).
 */
function stopWithNotes(
  run: Run,
  notes: Note[],
  reading: Reading | null,
  sections: readonly Section[],
  usage: Usage,
  sectionsRead = sections.length,
): void {
  const partial = reading ? noteOf(reading) : null;
  if (reading)
    run.writer.step(
      'read',
      'done',
      `Stopped after reading ${sectionsRead} of ${sections.length} sections`,
      'action',
    );
  // The section under way counts as read only if its note (kept below) has begun.
  const read = sections.slice(0, sectionsRead + (partial?.text.trim() ? 1 : 0));
  const pagesRead = Math.max(0, ...read.flatMap((s) => s.sourceNumbers));
  if (pagesRead < run.sources.length) {
    const sources = run.sources.slice(0, pagesRead);
    run.writer.emit('message.sources', { sources, mode: 'answer' });
    run.writer.save({ sources });
  }
  const text = notesSoFar(notes, partial, sectionsRead, sections.length);
  run.writer.text = text;
  run.writer.emit('message.delta', { text });
  run.writer.end('cancelled', usage);
}

/** A step with its progress (0..1), which MessageWriter.step leaves out. */
function progressStep(writer: MessageWriter, step: EventData['step']): void {
  writer.emit('step', step);
}

/** The section being read: its text so far, with section-local citations. */
type Reading = {
  index: number;
  text: string;
  note: { sections: string; pages: string; sourceNumbers: number[] } | null;
};

function noteOf(reading: Reading): Note | null {
  if (!reading.note) return null;
  const { sourceNumbers, ...where } = reading.note;
  return { ...where, text: localToDocumentCitations(reading.text, sourceNumbers) };
}

// Whole-document prompts are not a continuation of the conversation's cached turns.
function sessionKeyOf(run: Run): string {
  return `${run.writer.message.conversationId}:document`;
}

function sourceOf(page: Passage, n: number): Source {
  const { text, snippet: _snippet, ...rest } = page;
  return { ...rest, n, snippet: snippetOf(text) };
}
