import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../../shared/settings';
import { editDraft, hasUnsavedChanges, settingsDraftStore } from './settings-draft';

const saved = SettingsSchema.parse({});
const edited = {
  ...saved,
  indexing: { ...saved.indexing, maxFileMb: saved.indexing.maxFileMb + 1 },
};

describe('settings draft', () => {
  it('marks an edit as unsaved, and an edit back to the saved value as none', () => {
    const draft = editDraft(saved, edited);
    expect(hasUnsavedChanges(draft, saved)).toBe(true);
    expect(editDraft(saved, { ...edited, indexing: saved.indexing })).toBeNull();
  });

  it('is not unsaved once the saved settings match it (saved here or elsewhere)', () => {
    expect(hasUnsavedChanges(edited, edited)).toBe(false);
  });

  it('outlives the view: what was set is still there for the next reader', () => {
    const seen: unknown[] = [];
    const stop = settingsDraftStore.subscribe(() => seen.push(settingsDraftStore.get()));
    settingsDraftStore.set(edited);
    stop();
    expect(settingsDraftStore.get()).toBe(edited);
    expect(seen).toEqual([edited]);
    settingsDraftStore.set(null);
  });
});
