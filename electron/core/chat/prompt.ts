import { citedSources } from '../../../shared/citations';
import { withoutControlChars } from '../../../shared/control-chars';
import type { Source } from '../../../shared/events';

/** One turn of a prompt (the same shape the providers take). */
export type { ChatTurn as PromptTurn } from '../../../shared/generation';
import type { ChatTurn as PromptTurn } from '../../../shared/generation';
export type Passage = Omit<Source, 'n'> & { text: string };

export const SYSTEM_PROMPT = [
  'You are Quire, an assistant that answers questions using only the numbered sources the user provides from their own documents.',
  'Cite every claim with the number of its source in square brackets, like [1] or [2][3].',
  'If the sources do not contain the answer, say that the documents do not say, instead of guessing.',
  'Answer in the language of the question. Be concise.',
].join(' ');

/** The same rules in a few words, for a context so small the full ones would crowd out the sources. */
export const COMPACT_SYSTEM_PROMPT =
  'Answer only from the numbered sources, citing them like [1]. If they do not say, say so. Answer in the language of the question.';

/** Past this share of the room, the full instructions give way to the compact ones. */
const COMPACT_SYSTEM_SHARE = 0.4;

function pageLabel(p: Passage): string {
  if (p.pageStart === null) return '';
  return p.pageEnd !== null && p.pageEnd !== p.pageStart
    ? `, pages ${p.pageStart}–${p.pageEnd}`
    : `, page ${p.pageStart}`;
}

export function formatSource(n: number, p: Passage, text = p.text): string {
  return `${sourceHeader(n, p)}\n${text.trim()}`;
}

function sourceHeader(n: number, p: Passage): string {
  const heading = p.headingPath.length ? ` — ${p.headingPath.join(' › ')}` : '';
  return `[${n}] ${p.title}${pageLabel(p)}${heading}`;
}

/** What the model is told when passages matched but were left out for length. */
function leftOutNote(count: number): string {
  return `(${count} more matching passage${count === 1 ? ' was' : 's were'} left out for length.)`;
}

export type BuiltPrompt = {
  messages: PromptTurn[];
  sources: Source[];
  /** The last user turn (sources + question): recorded so a follow-up can replay it exactly. */
  userTurn: string;
  /** Earlier exchanges that fit, oldest first. */
  historyKept: number;
  promptTokens: number;
  /** Passages that were given but left out because the prompt had no room for them. */
  passagesLeftOut: number;
};

/** One earlier question, exactly as it was sent to the model, and the answer it got. */
export type Exchange = { sent: string; answer: string };

// Chat templates add a few tokens of framing per turn.
const TURN_OVERHEAD = 8;
const PROMPT_OVERHEAD = 24;
/** Part of the best passage is given when at least this much room is left for it... */
const MIN_PART_TOKENS = 40;
/** ...and it is cut no shorter than this. */
const MIN_PART_CHARS = 40;

/**
 * Fits the system prompt, earlier exchanges, numbered sources and the question into the
 * model's context. Earlier user turns are replayed exactly as they were sent, sources and
 * all, so a provider that keeps the conversation's prompt cached (llama.cpp) evaluates only
 * the new turn: history costs context space, not prompt time. The newest whole exchanges that
 * fit are kept; older ones are dropped (the provider's cache then starts over, correctly).
 *
 * `budgetTokens` caps what the new turn adds (system, sources, question): that is what a
 * CPU model has to evaluate before its first token. `contextTokens` is all the prompt may
 * occupy, history included. Only sources that made it into the prompt are returned: a
 * citation can never point anywhere else.
 */
export async function buildPrompt(options: {
  question: string;
  passages: Passage[];
  history: Exchange[];
  budgetTokens: number;
  /** Room for the whole prompt; defaults to budgetTokens (no room for history beyond it). */
  contextTokens?: number;
  /** At most this much history, however much room there is. */
  maxHistoryTokens?: number;
  countTokens: (text: string) => Promise<number>;
}): Promise<BuiltPrompt> {
  const { question, passages, countTokens } = options;
  const contextTokens = options.contextTokens ?? options.budgetTokens;
  const fullSystem = await countTokens(SYSTEM_PROMPT);
  const compact = fullSystem > contextTokens * COMPACT_SYSTEM_SHARE;
  const system = compact ? COMPACT_SYSTEM_PROMPT : SYSTEM_PROMPT;
  const fixed =
    (compact ? await countTokens(system) : fullSystem) +
    (await countTokens(question)) +
    PROMPT_OVERHEAD;
  // History may take what the context has left once the new turn has at least half its budget.
  const historyRoom = Math.min(
    contextTokens - fixed - Math.floor(options.budgetTokens / 2),
    options.maxHistoryTokens ?? Number.POSITIVE_INFINITY,
  );
  const kept: Exchange[] = [];
  let historyTokens = 0;
  for (let i = options.history.length - 1; i >= 0; i--) {
    const exchange = options.history[i]!;
    const cost =
      (await countTokens(exchange.sent)) + (await countTokens(exchange.answer)) + 2 * TURN_OVERHEAD;
    if (historyTokens + cost > historyRoom) break;
    historyTokens += cost;
    kept.unshift(exchange);
  }
  const newTurnRoom = Math.min(options.budgetTokens, contextTokens - historyTokens) - fixed;
  // Room for telling the model that passages were left out, should any be.
  const noteCost = passages.length > 1 ? (await countTokens(leftOutNote(passages.length))) + 1 : 0;
  let remaining = newTurnRoom - noteCost;
  const history: PromptTurn[] = kept.flatMap((e) => [
    { role: 'user' as const, content: e.sent },
    { role: 'assistant' as const, content: e.answer },
  ]);

  const blocks: string[] = [];
  const sources: Source[] = [];
  for (const passage of passages) {
    const n = sources.length + 1;
    // Header and text are counted apart, so a chunk's count is the same whatever its number
    // (a provider that asks its server caches it).
    const head = (await countTokens(sourceHeader(n, passage))) + 2;
    let text = passage.text.trim();
    let cost = head + (await countTokens(text));
    // Always give at least part of the best passage.
    while (
      cost > remaining &&
      sources.length === 0 &&
      remaining - head >= MIN_PART_TOKENS &&
      text.length > MIN_PART_CHARS
    ) {
      const share = Math.min(0.8, (remaining - head) / (cost - head));
      text = text.slice(0, Math.max(MIN_PART_CHARS, Math.floor(text.length * share))).trim();
      cost = head + (await countTokens(text));
    }
    if (cost > remaining) break;
    remaining -= cost;
    blocks.push(formatSource(n, passage, text));
    sources.push({ ...stripText(passage), n, snippet: snippetOf(passage.text) });
  }
  const leftOut = passages.length - sources.length;
  const user = sources.length
    ? `Sources:\n\n${blocks.join('\n\n')}\n\n${leftOut ? `${leftOutNote(leftOut)}\n\n` : ''}Question: ${question}`
    : passages.length
      ? `The ${passages.length === 1 ? 'passage' : `${passages.length} passages`} found in the documents did not fit in the model's context, so none is given here.\n\nQuestion: ${question}`
      : `No passage in the documents matched this question.\n\nQuestion: ${question}`;
  const messages: PromptTurn[] = [
    { role: 'system', content: system },
    ...history,
    { role: 'user', content: user },
  ];
  const used = newTurnRoom - remaining - (leftOut ? 0 : noteCost);
  return {
    messages,
    sources,
    userTurn: user,
    historyKept: kept.length,
    promptTokens: historyTokens + fixed + used,
    passagesLeftOut: leftOut,
  };
}

function stripText(p: Passage): Omit<Source, 'n' | 'snippet'> {
  const { text: _text, snippet: _snippet, ...rest } = p;
  return rest;
}

export function snippetOf(text: string, max = 240): string {
  const flat = withoutControlChars(text).replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** The source numbers an answer cites, in order of first use, limited to the sources given. */
/** Which sources the answer cites: the one grammar the renderer also uses. */
export function extractCitations(text: string, sourceCount: number): number[] {
  return citedSources(text, sourceCount);
}
