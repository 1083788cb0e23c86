import { describe, expect, it } from 'vitest';
import type { ModelSwitchState } from '../../../../shared/models';
import { modelSwitchView } from './model-switch-view';

const base: ModelSwitchState = {
  state: 'running',
  fromModel: 'Xenova/all-MiniLM-L6-v2',
  targetModel: 'Xenova/bge-small-en-v1.5',
  doneChunks: 1_200,
  totalChunks: 4_800,
  secondsLeft: 150,
  error: null,
};

describe('the model switch panel', () => {
  it('shows nothing when no switch is under way', () => {
    expect(modelSwitchView(undefined)).toBeNull();
    expect(modelSwitchView({ ...base, state: 'idle' })).toBeNull();
  });

  it('gives the count, the time left and the model search still uses while it runs', () => {
    const view = modelSwitchView(base)!;
    expect(view.title).toBe('Switching to Xenova/bge-small-en-v1.5');
    expect(view.detail).toBe(
      '1,200 of 4,800 passages · about 3 min left · search keeps using Xenova/all-MiniLM-L6-v2 until it is done',
    );
    expect(view.fraction).toBe(0.25);
    expect(view.actions).toEqual(['pause', 'cancel']);
  });

  it('offers resume after a pause or an error, and says the old model is kept', () => {
    expect(modelSwitchView({ ...base, state: 'paused' })!.actions).toEqual(['resume', 'cancel']);
    const error = modelSwitchView({
      ...base,
      state: 'error',
      error: { code: 'disk_full', message: 'The disk is full.' },
    })!;
    expect(error.tone).toBe('error');
    expect(error.detail).toContain('The disk is full.');
    expect(error.detail).toContain('The library keeps Xenova/all-MiniLM-L6-v2');
    expect(error.actions).toEqual(['resume', 'cancel']);
  });

  it('ends with what happened and no buttons', () => {
    expect(modelSwitchView({ ...base, state: 'done', doneChunks: 4_800 })).toMatchObject({
      tone: 'success',
      title: 'The library now uses Xenova/bge-small-en-v1.5',
      actions: [],
    });
    expect(modelSwitchView({ ...base, state: 'cancelled' })!.detail).toBe(
      'The library keeps Xenova/all-MiniLM-L6-v2.',
    );
  });
});
