import type { Source } from '../../../shared/events';

export type PromptTurn = { role: 'system' | 'user' | 'assistant'; content: string };
export type Passage = Omit<Source, 'n'> & { text: string };

export const SYSTEM_PROMPT = [
  'You are Quire, an assistant that answers questions using only the numbered sources the user provides from their own documents.',
  'Cite every claim with the number of its source in square brackets, like [1] or [2][3].',
  'If the sources do not contain the answer, say that the documents do not say, instead of guessing.',
  'Answer in the language of the question. Be concise.',
].join(' ');

function pageLabel(p: Passage): string {
  if (p.pageStart === null) return '';
  return p.pageEnd !== null && p.pageEnd !== p.pageStart
    ? `, pages ${p.pageStart}–${p.pageEnd}`
    : `, page ${p.pageStart}`;
}

export function formatSource(n: number, p: Passage, text = p.text): string {
  const heading = p.headingPath.length ? ` — ${p.headingPath.join(' › ')}` : '';
  return `[${n}] ${p.title}${pageLabel(p)}${heading}\n${text.trim()}`;
}

export type BuiltPrompt = { messages: PromptTurn[]; sources: Source[]; promptTokens: number };

/**
 * Fits the system prompt, recent history, numbered sources and the question into the
 * token budget. Sources ride in the last user turn, so earlier turns stay byte-identical
 * and a provider can reuse its cache of them. Only sources that made it into the prompt
 * are returned: a citation can never point anywhere else.
 */
export async function buildPrompt(options: {
  question: string;
  passages: Passage[];
  history: PromptTurn[];
  budgetTokens: number;
  countTokens: (text: string) => Promise<number>;
}): Promise<BuiltPrompt> {
  const { question, passages, countTokens } = options;
  let remaining =
    options.budgetTokens - (await countTokens(SYSTEM_PROMPT)) - (await countTokens(question)) - 24;
  // Keep the newest turns that fit in a third of the budget.
  const history: PromptTurn[] = [];
  let historyBudget = Math.floor(remaining / 3);
  for (let i = options.history.length - 1; i >= 0; i--) {
    const turn = options.history[i]!;
    const cost = (await countTokens(turn.content)) + 4;
    if (cost > historyBudget) break;
    historyBudget -= cost;
    remaining -= cost;
    history.unshift(turn);
  }
  // A history that starts with an assistant turn confuses chat templates.
  while (history[0]?.role === 'assistant') history.shift();

  const blocks: string[] = [];
  const sources: Source[] = [];
  for (const passage of passages) {
    const n = sources.length + 1;
    let text = passage.text;
    let cost = (await countTokens(formatSource(n, passage, text))) + 2;
    // Always give at least part of the best passage.
    while (cost > remaining && sources.length === 0 && remaining > 40 && text.length > 80) {
      text = text.slice(0, Math.max(80, Math.floor(text.length * Math.min(0.8, remaining / cost))));
      cost = (await countTokens(formatSource(n, passage, text))) + 2;
    }
    if (cost > remaining) break;
    remaining -= cost;
    blocks.push(formatSource(n, passage, text));
    sources.push({ ...stripText(passage), n, snippet: snippetOf(passage.text) });
  }
  const user = sources.length
    ? `Sources:\n\n${blocks.join('\n\n')}\n\nQuestion: ${question}`
    : `No passage in the documents matched this question.\n\nQuestion: ${question}`;
  const messages: PromptTurn[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    ...history,
    { role: 'user', content: user },
  ];
  return { messages, sources, promptTokens: options.budgetTokens - remaining };
}

function stripText(p: Passage): Omit<Source, 'n' | 'snippet'> {
  const { text: _text, snippet: _snippet, ...rest } = p;
  return rest;
}

export function snippetOf(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** The source numbers an answer cites, in order of first use, limited to the sources given. */
export function extractCitations(text: string, sourceCount: number): number[] {
  const cited: number[] = [];
  for (const match of text.matchAll(/\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/g)) {
    for (const part of match[1]!.split(/\s*,\s*/)) {
      const range = part.split(/\s*[–-]\s*/).map(Number);
      const [from, to] = [range[0]!, range[1] ?? range[0]!];
      for (let n = from; n <= Math.min(to, from + 20); n++) {
        if (n >= 1 && n <= sourceCount && !cited.includes(n)) cited.push(n);
      }
    }
  }
  return cited;
}

/** Follow-ups like "and what about its cost?" search better with the previous question attached. */
export function searchQueryFor(question: string, previousQuestions: string[]): string {
  const previous = previousQuestions.at(-1);
  if (!previous) return question;
  const words = question.trim().split(/\s+/).length;
  const refersBack =
    /\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there|also|more|else|why|how so)\b/i.test(
      question,
    );
  return words <= 6 || refersBack ? `${previous} ${question}` : question;
}
