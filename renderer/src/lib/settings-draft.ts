import type { Settings } from '../../../shared/settings';

/**
 * Edits not yet saved. They live outside the Settings view, so leaving it (the sidebar, a
 * link, Back) keeps them, marked as unsaved, instead of dropping them silently.
 * `null` means no edits: the form shows the saved settings.
 */
export type SettingsDraft = Settings | null;

export function sameSettings(a: Settings, b: Settings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An edit that brings the form back to the saved settings is no edit at all. */
export function editDraft(saved: Settings | null, next: Settings): SettingsDraft {
  return saved && sameSettings(saved, next) ? null : next;
}

export function hasUnsavedChanges(draft: SettingsDraft, saved: Settings | null): boolean {
  return draft !== null && saved !== null && !sameSettings(draft, saved);
}

let draft: SettingsDraft = null;
const listeners = new Set<() => void>();

export const settingsDraftStore = {
  get: (): SettingsDraft => draft,
  set(next: SettingsDraft): void {
    draft = next;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
