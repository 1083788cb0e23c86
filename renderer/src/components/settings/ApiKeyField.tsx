import { useId, useState } from 'react';
import type { KeyProvider, SecretBackend } from '../../api/call';
import { useSettingsActions } from '../../hooks/use-settings';
import { FieldError, SecretInput, SecretStatus } from './fields';

const BACKEND: Record<SecretBackend, string> = {
  keychain: 'Key stored in the system keychain',
  safeStorage: 'Key stored encrypted with the OS (Electron safeStorage)',
  session: 'Key kept in memory for this session only (no keychain available)',
};

/** Write-only: the key goes to the core and never comes back; only "stored or not" does. */
export function ApiKeyField({
  provider,
  stored,
  backend,
  disabled,
}: {
  provider: KeyProvider;
  stored: boolean;
  backend: SecretBackend;
  disabled: boolean;
}) {
  const actions = useSettingsActions();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const save = async () => {
    setBusy(true);
    const result = await actions.setApiKey(provider, key.trim());
    setBusy(false);
    if (result.ok) {
      setKey('');
      setError(null);
    } else setError(result.error.message);
  };

  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        API key
      </label>
      <div className="field-row">
        <SecretInput
          id={id}
          stored={stored}
          placeholder="Paste your API key"
          value={key}
          disabled={disabled}
          onChange={setKey}
        />
        <button
          type="button"
          className="btn"
          disabled={disabled || busy || !key.trim()}
          onClick={() => void save()}
        >
          Save key
        </button>
        {stored && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={disabled || busy}
            onClick={() => void actions.clearApiKey(provider)}
          >
            Remove key
          </button>
        )}
      </div>
      <SecretStatus id={id} stored={stored} ok={stored} testId="key-status">
        {stored ? BACKEND[backend] : 'No key stored yet.'} Quire never shows a stored key.
      </SecretStatus>
      <FieldError error={error} />
    </div>
  );
}
