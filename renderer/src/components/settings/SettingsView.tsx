import { useQueryClient } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import {
  ProviderSettingsSchema,
  SettingsSchema,
  isRemoteProvider,
  type Settings,
} from '../../../../shared/settings';
import { errorMessage, isUnknownMethod } from '../../api/call';
import { useNotify } from '../../hooks/app-services';
import { queryKeys } from '../../hooks/query-keys';
import { useSettings, useSettingsActions } from '../../hooks/use-settings';
import { Icon, Spinner } from '../ui/Icon';
import { FieldError, NumberField, Switch } from './fields';
import { LanguageModelCatalog } from './LanguageModelCatalog';
import { LibraryLocationSection } from './LibraryLocationSection';
import { McpSection } from './McpSection';
import { ProviderSection } from './ProviderSection';
import { RetrievalSection } from './RetrievalSection';
import { ServerConnectionSection } from './ServerConnectionSection';
import { editDraft, hasUnsavedChanges, settingsDraftStore } from '../../lib/settings-draft';

function hostOf(settings: Settings): string {
  const p = settings.provider;
  if (p.kind === 'anthropic') return p.baseUrl ? new URL(p.baseUrl).host : 'api.anthropic.com';
  if (p.kind === 'openai' || p.kind === 'ollama') {
    try {
      return new URL(p.baseUrl).host;
    } catch {
      return 'an unknown server';
    }
  }
  return '';
}

function OfflineIndicator({ settings }: { settings: Settings }) {
  const remote = isRemoteProvider(settings.provider);
  return (
    <div
      className={remote ? 'privacy privacy-remote' : 'privacy privacy-local'}
      data-testid="privacy"
    >
      <Icon name={remote ? 'cloud' : 'shield'} size={18} />
      <div>
        <p className="privacy-title">{remote ? 'Uses the internet' : 'Fully offline'}</p>
        <p className="privacy-text">
          {remote
            ? `Your questions and the passages they need are sent to ${hostOf(settings)}. Documents stay here.`
            : 'Nothing leaves this machine: indexing, search and answers all run locally.'}
        </p>
      </div>
    </div>
  );
}

type TestState =
  { state: 'idle' } | { state: 'testing' } | { state: 'done'; ok: boolean; detail: string };

export function SettingsView() {
  const query = useSettings();
  const actions = useSettingsActions();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const unavailable = isUnknownMethod(query.error);
  const draft = useSyncExternalStore(settingsDraftStore.subscribe, settingsDraftStore.get);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<TestState>({ state: 'idle' });

  const saved = query.data?.settings ?? null;
  const setDraft = (next: Settings) => settingsDraftStore.set(editDraft(saved, next));

  const current = draft ?? saved ?? SettingsSchema.parse({});
  const dirty = hasUnsavedChanges(draft, saved);
  const disabled = unavailable || !query.data;

  const save = async (): Promise<boolean> => {
    const parsed = SettingsSchema.safeParse(current);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(
        issue ? `${issue.path.join('.')}: ${issue.message}` : 'Some settings are not valid.',
      );
      return false;
    }
    setSaving(true);
    const result = await actions.update(parsed.data);
    setSaving(false);
    if (!result.ok) {
      setError(result.error.message);
      return false;
    }
    setError(null);
    // The saved settings replace the draft at once: no flash of the old values.
    queryClient.setQueryData(queryKeys.settings.current(), result.value);
    settingsDraftStore.set(null);
    notify('success', 'Settings saved.');
    return true;
  };

  const runTest = async () => {
    const provider = ProviderSettingsSchema.safeParse(current.provider);
    if (!provider.success) {
      setTest({ state: 'done', ok: false, detail: 'Fill in the model settings first.' });
      return;
    }
    setTest({ state: 'testing' });
    const result = await actions.test(provider.data);
    if (!result.ok) setTest({ state: 'done', ok: false, detail: result.error.message });
    else if (result.value.ok) setTest({ state: 'done', ok: true, detail: result.value.detail });
    else setTest({ state: 'done', ok: false, detail: result.value.message });
  };

  return (
    <section className="view settings-view" aria-labelledby="settings-title">
      <header className="view-header">
        <div className="view-heading">
          <h2 id="settings-title">Settings</h2>
          <p className="view-sub">Which model answers, and how passages are found.</p>
        </div>
        <div className="view-actions">
          {dirty && (
            <span className="pill pill-warn" role="status" data-testid="unsaved-changes">
              Unsaved changes
            </span>
          )}
          {dirty && (
            <button type="button" className="btn" onClick={() => settingsDraftStore.set(null)}>
              Discard
            </button>
          )}
          <button
            type="button"
            className="btn"
            disabled={disabled || current.provider.kind === 'none' || test.state === 'testing'}
            onClick={() => void runTest()}
          >
            {test.state === 'testing' ? <Spinner /> : <Icon name="sparkle" />} Test connection
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={disabled || !dirty || saving}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </header>
      <div className="settings-scroll">
        {unavailable && (
          <div className="callout callout-warn" role="note">
            <Icon name="alert" />
            <p className="callout-text">
              This Quire core does not offer settings yet. Defaults are shown.
            </p>
          </div>
        )}
        {query.isError && !unavailable && (
          <div className="callout callout-warn" role="alert">
            <Icon name="alert" />
            <p className="callout-text">{errorMessage(query.error)}</p>
          </div>
        )}
        {query.data?.warnings?.map((warning) => (
          <div key={warning} className="callout callout-warn" role="alert">
            <Icon name="alert" />
            <p className="callout-text">{warning}</p>
          </div>
        ))}
        {query.data?.pendingRestart && query.data.pendingRestart.length > 0 && (
          <div className="callout" role="status" data-testid="restart-note">
            <Icon name="alert" />
            <p className="callout-text">
              Saved. Restart Quire to apply the new {listInWords(query.data.pendingRestart)}; the
              library is then updated in the background.
            </p>
          </div>
        )}
        <OfflineIndicator settings={current} />
        {test.state === 'done' && (
          <div
            className={test.ok ? 'callout callout-ok' : 'callout callout-warn'}
            role="status"
            data-testid="test-result"
          >
            <Icon name={test.ok ? 'check' : 'alert'} />
            <p className="callout-text">
              <strong>{test.ok ? 'Connected. ' : 'Could not connect. '}</strong>
              {test.detail}
            </p>
          </div>
        )}
        <FieldError error={error} />
        <ProviderSection
          provider={current.provider}
          info={query.data}
          disabled={disabled}
          onChange={(provider) => setDraft({ ...current, provider })}
        />
        <fieldset className="settings-group">
          <legend>Download a local model</legend>
          <LanguageModelCatalog />
        </fieldset>
        <RetrievalSection
          retrieval={current.retrieval}
          reranker={query.data?.reranker}
          entailment={query.data?.entailment}
          disabled={disabled}
          onChange={(retrieval) => setDraft({ ...current, retrieval })}
        />
        <fieldset className="settings-group" disabled={disabled}>
          <legend>Indexing</legend>
          <NumberField
            label="Largest file (MB)"
            min={1}
            max={4096}
            value={current.indexing.maxFileMb}
            hint="Bigger files are skipped with a clear message."
            onChange={(maxFileMb) =>
              setDraft({ ...current, indexing: { ...current.indexing, maxFileMb } })
            }
          />
          <Switch
            label="Read scanned pages and images (OCR)"
            checked={current.indexing.ocr}
            hint="PDF pages without a text layer, and PNG, JPEG, TIFF and WebP images, are read on this machine with Tesseract (English). Pages that have text keep it. Takes seconds per page; applies to documents indexed after a restart."
            onChange={(ocr) => setDraft({ ...current, indexing: { ...current.indexing, ocr } })}
          />
        </fieldset>
        <LibraryLocationSection
          library={current.library}
          info={query.data}
          disabled={disabled}
          onChange={(library) => setDraft({ ...current, library })}
        />
        <McpSection
          allowIndexing={current.mcp.allowIndexing}
          disabled={disabled}
          onChange={(allowIndexing) => setDraft({ ...current, mcp: { allowIndexing } })}
        />
        <ServerConnectionSection />
      </div>
    </section>
  );
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
