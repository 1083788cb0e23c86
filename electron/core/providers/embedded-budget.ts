import type { ChatTurn } from './types';

/** A prompt split the way the chat session needs it. `history` excludes the final user turn. */
export type PromptParts = { system: string; history: ChatTurn[]; user: string };

export function splitMessages(messages: ChatTurn[]): PromptParts {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const rest = messages.filter((m) => m.role !== 'system');
  const last = rest[rest.length - 1];
  if (!last || last.role !== 'user') {
    return { system, history: rest, user: '' };
  }
  return { system, history: rest.slice(0, -1), user: last.content };
}

/** Longest prefix (or suffix) of `text` for which `fits` holds, by binary search on characters. */
function trimToFit(text: string, fits: (t: string) => boolean, keep: 'start' | 'end'): string {
  const cut = (n: number) => (keep === 'start' ? text.slice(0, n) : text.slice(text.length - n));
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(cut(mid))) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

/**
 * Shrinks a prompt until `count(parts) <= budget`: oldest turns first, then the end of the
 * system text (retrieved passages sit there), then the start of the user turn. Returns null
 * when even an empty system and a one-character question do not fit.
 *
 * Budgeting before generation, rather than letting llama.cpp shift the context, avoids
 * node-llama-cpp's "Failed to compress chat history for context shift" on small contexts.
 */
export function fitPrompt(
  parts: PromptParts,
  count: (parts: PromptParts) => number,
  budget: number,
): { parts: PromptParts; trimmed: boolean } | null {
  if (count(parts) <= budget) return { parts, trimmed: false };
  let history = parts.history;
  while (history.length > 0) {
    // Drop a whole exchange so the history still alternates user/assistant.
    const drop = history[0]?.role === 'user' && history[1]?.role === 'assistant' ? 2 : 1;
    history = history.slice(drop);
    if (count({ ...parts, history }) <= budget)
      return { parts: { ...parts, history }, trimmed: true };
  }
  const noSystem = { ...parts, history, system: '' };
  if (count(noSystem) <= budget) {
    const system = trimToFit(
      parts.system,
      (s) => count({ ...noSystem, system: s }) <= budget,
      'start',
    );
    return { parts: { ...noSystem, system }, trimmed: true };
  }
  const user = trimToFit(parts.user, (u) => count({ ...noSystem, user: u }) <= budget, 'end');
  if (user.length === 0) return null;
  return { parts: { ...noSystem, user }, trimmed: true };
}

export function sameTurns(a: ChatTurn[] | null, b: ChatTurn[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((turn, i) => turn.role === b[i]?.role && turn.content === b[i]?.content);
}
