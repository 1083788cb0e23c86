import { useId, useState } from 'react';
import type { SecretBackend } from '../../api/call';
import { useSettingsActions } from '../../hooks/use-settings';
import { FieldError, SecretInput, SecretStatus } from './fields';

const STORED: Record<SecretBackend, string> = {
  keychain: 'Secret stored in the system keychain.',
  safeStorage: 'Secret stored encrypted with the OS (Electron safeStorage).',
  session: 'Secret kept in memory for this session only (no keychain available).',
};

/**
 * Write-only, like the API key fields: the secret goes to the core and never comes back; only
 * "stored or not" does. What is typed is lifted up, so that Check can try it before it is saved.
 */
export function LibrarySecretField({
  stored,
  backend,
  typed,
  onTyped,
  hint,
}: {
  stored: boolean;
  backend: SecretBackend;
  typed: string;
  onTyped: (secret: string) => void;
  /** Which half of the key pair is missing, if one is. */
  hint: string | null;
}) {
  const actions = useSettingsActions();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const run = async (action: () => ReturnType<typeof actions.clearLibrarySecret>) => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    onTyped('');
    setError(null);
  };

  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Secret access key
      </label>
      <div className="field-row">
        <SecretInput
          id={id}
          stored={stored}
          placeholder="Paste the secret access key"
          value={typed}
          onChange={onTyped}
        />
        <button
          type="button"
          className="btn"
          disabled={busy || !typed.trim()}
          onClick={() => void run(() => actions.setLibrarySecret(typed.trim()))}
        >
          Save secret
        </button>
        {stored && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy}
            onClick={() => void run(() => actions.clearLibrarySecret())}
          >
            Remove
          </button>
        )}
      </div>
      <SecretStatus
        id={id}
        stored={stored}
        ok={stored && backend !== 'session'}
        testId="library-secret-status"
      >
        {stored ? STORED[backend] : 'No secret stored.'} Quire never shows a stored secret.
      </SecretStatus>
      {hint && <p className="field-hint">{hint}</p>}
      {backend === 'session' && (
        <p className="field-hint" data-testid="library-secret-session">
          No keychain answers here, so a secret saved now is gone when Quire restarts, which is when
          the library opens. Leave the access key ID empty instead, and start Quire with
          AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment.
        </p>
      )}
      <FieldError error={error} />
    </div>
  );
}
