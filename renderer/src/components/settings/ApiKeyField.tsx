import { useId, useState } from 'react';
import type { KeyProvider, SecretBackend } from '../../api/call';
import { useSettingsActions } from '../../hooks/use-settings';
import { Icon } from '../ui/Icon';

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
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={stored ? '•••••••• (stored; type to replace)' : 'Paste your API key'}
          value={key}
          disabled={disabled}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={`${id}-status`}
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
      <p
        className={stored ? 'field-hint field-ok' : 'field-hint'}
        id={`${id}-status`}
        data-testid="key-status"
      >
        <Icon name={stored ? 'lock' : 'alert'} size={12} />
        {stored ? BACKEND[backend] : 'No key stored yet.'} Quire never shows a stored key.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
