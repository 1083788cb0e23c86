import type { ModelSwitchState } from '../../../../shared/models';
import { formatCount, formatEta } from '../../library/format';

/** What the switch panel says and offers, from the switch's state alone (pure, tested). */
export type ModelSwitchView = {
  tone: 'info' | 'success' | 'error';
  title: string;
  detail: string | null;
  /** 0..1 while there is a count; null otherwise. */
  fraction: number | null;
  actions: ('pause' | 'resume' | 'cancel')[];
};

export function modelSwitchView(state: ModelSwitchState | undefined): ModelSwitchView | null {
  if (!state || state.state === 'idle') return null;
  const target = state.targetModel ?? 'the new model';
  const from = state.fromModel ?? 'the current model';
  const fraction = state.totalChunks > 0 ? state.doneChunks / state.totalChunks : null;
  const count =
    state.totalChunks > 0
      ? `${formatCount(state.doneChunks)} of ${formatCount(state.totalChunks)} passages`
      : null;
  switch (state.state) {
    case 'downloading':
      return {
        tone: 'info',
        title: `Downloading ${target} before switching`,
        detail: `Search keeps using ${from}.`,
        fraction: null,
        actions: ['cancel'],
      };
    case 'running':
      return {
        tone: 'info',
        title: `Switching to ${target}`,
        detail: [
          count,
          formatEta(state.secondsLeft === null ? null : state.secondsLeft * 1000),
          `search keeps using ${from} until it is done`,
        ]
          .filter(Boolean)
          .join(' · '),
        fraction,
        actions: ['pause', 'cancel'],
      };
    case 'finishing':
      return {
        tone: 'info',
        title: `Switching to ${target}`,
        detail: 'Building the search indexes for the new vectors…',
        fraction: 1,
        actions: [],
      };
    case 'paused':
      return {
        tone: 'info',
        title: `Switch to ${target} paused`,
        detail: [count, `search uses ${from}`].filter(Boolean).join(' · '),
        fraction,
        actions: ['resume', 'cancel'],
      };
    case 'done':
      return {
        tone: 'success',
        title: `The library now uses ${target}`,
        detail: count ? `${count} embedded again; the old vectors were removed.` : null,
        fraction: null,
        actions: [],
      };
    case 'cancelled':
      return {
        tone: 'info',
        title: `Switch cancelled`,
        detail: `The library keeps ${from}.`,
        fraction: null,
        actions: [],
      };
    case 'error':
      return {
        tone: 'error',
        title: `The switch to ${target} stopped`,
        detail: `${state.error?.message ?? 'Something went wrong.'} The library keeps ${from}; resume once this is fixed.`,
        fraction,
        actions: ['resume', 'cancel'],
      };
  }
}
