import { blankMessage } from '../../../shared/blank-message';
import type { Message } from '../../../shared/contract/chat';
import type { EventData, FinishReason, StreamEvent } from '../api/event-types';

export type StepView = EventData['step'];

/** A message as the UI shows it: the stored message plus what only the stream carries. */
export type ChatMessage = Message & {
  steps: StepView[];
  /** The last stream event applied; events at or below it are duplicates. */
  lastSeq: number;
  /** True when an event was missing: the text may be incomplete until refetched. */
  gap: boolean;
};

export function fromMessage(message: Message, lastSeq = 0): ChatMessage {
  return { ...message, steps: [], lastSeq, gap: false };
}

export function pendingAssistant(
  id: string,
  conversationId: string,
  now = Date.now(),
): ChatMessage {
  return {
    ...blankMessage({ id, conversationId, role: 'assistant', status: 'streaming', createdAt: now }),
    steps: [],
    lastSeq: 0,
    gap: false,
  };
}

export function pendingUser(
  id: string,
  conversationId: string,
  text: string,
  now = Date.now(),
): Message {
  return blankMessage({
    id,
    conversationId,
    role: 'user',
    text,
    status: 'complete',
    createdAt: now,
  });
}

const STATUS_FOR: Record<FinishReason, Message['status']> = {
  stop: 'complete',
  length: 'complete',
  cancelled: 'cancelled',
  error: 'error',
  interrupted: 'interrupted',
};

export function isFinished(message: Pick<Message, 'status'>): boolean {
  return message.status !== 'streaming';
}

function settleSteps(steps: StepView[], status: 'done' | 'error'): StepView[] {
  return steps.some((s) => s.status === 'running')
    ? steps.map((s) => (s.status === 'running' ? { ...s, status } : s))
    : steps;
}

function upsertStep(steps: StepView[], step: StepView): StepView[] {
  const at = steps.findIndex((s) => s.step === step.step);
  if (at < 0) return [...steps, step];
  const next = steps.slice();
  next[at] = step;
  return next;
}

/**
 * Applies a batch of one chat stream's events. Pure. Deltas in a batch are joined once,
 * so a frame's worth of tokens costs one string concatenation, not one per token.
 * Events at or below `lastSeq` are duplicates and ignored; a jump flags `gap`.
 */
export function applyChatEvents(state: ChatMessage, events: readonly StreamEvent[]): ChatMessage {
  let next = state;
  let pending: string[] = [];
  const flushText = () => {
    if (pending.length === 0) return;
    next = { ...next, text: next.text + pending.join('') };
    pending = [];
  };
  for (const event of events) {
    if (event.seq <= next.lastSeq) continue;
    const gap = next.gap || event.seq !== next.lastSeq + 1;
    if (event.type === 'message.delta') {
      pending.push(event.data.text);
      next = { ...next, lastSeq: event.seq, gap, updatedAt: event.ts };
      continue;
    }
    flushText();
    next = { ...applyOne(next, event), lastSeq: event.seq, gap, updatedAt: event.ts };
  }
  flushText();
  return next;
}

export function applyChatEvent(state: ChatMessage, event: StreamEvent): ChatMessage {
  return applyChatEvents(state, [event]);
}

function applyOne(state: ChatMessage, event: StreamEvent): ChatMessage {
  switch (event.type) {
    case 'message.start':
      // A replay from the first event rebuilds the message from scratch.
      return {
        ...state,
        status: 'streaming',
        text: '',
        steps: [],
        sources: [],
        mode: null,
        citations: [],
        checks: null,
        error: null,
        finishReason: null,
        provider: event.data.provider,
        model: event.data.model,
      };
    case 'step':
      return { ...state, steps: upsertStep(state.steps, event.data) };
    case 'message.sources':
      return { ...state, sources: event.data.sources, mode: event.data.mode };
    case 'message.delta':
      return { ...state, text: state.text + event.data.text };
    case 'message.checks':
      // Each emission is every verdict so far, whole: it replaces the last one.
      return { ...state, checks: event.data };
    case 'message.end': {
      const { finishReason, usage, timings, citations } = event.data;
      return {
        ...state,
        status: STATUS_FOR[finishReason],
        finishReason,
        usage,
        timings,
        citations,
        steps: settleSteps(state.steps, finishReason === 'error' ? 'error' : 'done'),
      };
    }
    case 'message.error':
      return {
        ...state,
        status: 'error',
        finishReason: 'error',
        error: { ...event.data },
        steps: settleSteps(state.steps, 'error'),
      };
    default:
      return state;
  }
}
