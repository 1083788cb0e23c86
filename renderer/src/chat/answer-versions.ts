import type { Message } from '../../../shared/contract/chat';

/**
 * One question and its answers. Regenerating adds another assistant message after the
 * first, so consecutive answers to one question are versions of one answer.
 */
export type Turn = {
  /** The question's id, or the first answer's when no question precedes it. */
  key: string;
  question: Message | null;
  versions: Message[];
};

export function groupTurns(messages: readonly Message[]): Turn[] {
  const turns: Turn[] = [];
  let current: Turn | null = null;
  for (const message of messages) {
    if (message.role === 'user') {
      current = { key: message.id, question: message, versions: [] };
      turns.push(current);
    } else if (current) {
      current.versions.push(message);
    } else {
      current = { key: message.id, question: null, versions: [message] };
      turns.push(current);
    }
  }
  return turns;
}

/**
 * A version the reader picked. It holds only while the turn has as many versions as when
 * it was picked: a new version (regenerate) is shown as soon as it starts.
 */
export type VersionChoice = { index: number; count: number };

export function shownVersionIndex(turn: Turn, choice: VersionChoice | undefined): number {
  const latest = turn.versions.length - 1;
  if (!choice || choice.count !== turn.versions.length) return latest;
  return Math.max(0, Math.min(latest, choice.index));
}

export function shownVersion(turn: Turn, choice: VersionChoice | undefined): Message | null {
  return turn.versions[shownVersionIndex(turn, choice)] ?? null;
}

/** The sources panel, when open: which answer it was opened on, and which source. */
export type PanelState = {
  messageId: string;
  n: number | null;
  /** The newest turn's key when the panel was opened: a question asked since moves it on. */
  newestTurn?: string;
};

/**
 * What the sources panel shows. Once a question is asked after the panel was opened, that
 * question's answer: a panel left on the previous answer reads as this answer's sources.
 * While an answer to a later question streams, that answer (its sources arrive later).
 * Otherwise the version shown of the turn the panel was opened on: switching versions, or
 * regenerating, switches sources.
 */
export function panelTarget(
  turns: readonly Turn[],
  choices: Readonly<Record<string, VersionChoice>>,
  panel: PanelState | null,
  streamingId: string | null,
): PanelState | null {
  if (!panel) return null;
  const turnIndex = turns.findIndex((t) => t.versions.some((m) => m.id === panel.messageId));
  if (turnIndex < 0) return null;
  const newest = turns[turns.length - 1]!;
  if (panel.newestTurn !== undefined && newest.key !== panel.newestTurn) {
    const answer = shownVersion(newest, choices[newest.key]);
    if (answer) return { messageId: answer.id, n: null, newestTurn: panel.newestTurn };
  }
  const streamingTurn = streamingId
    ? turns.findIndex((t) => t.versions.some((m) => m.id === streamingId))
    : -1;
  if (streamingId && streamingTurn > turnIndex) return { messageId: streamingId, n: null };
  const turn = turns[turnIndex]!;
  const shown = shownVersion(turn, choices[turn.key]);
  if (!shown || shown.id === panel.messageId) return panel;
  return { messageId: shown.id, n: null };
}
