import { useId, useState } from 'react';
import type { SecretBackend } from '../../api/call';
import { useSettingsActions } from '../../hooks/use-settings';
import { FieldError, SecretInput, SecretStatus } from './fields';
import type { BucketWords } from './library-location-view';

const STORED: Record<SecretBackend, string> = {
  keychain: 'stored in the system keychain.',
  safeStorage: 'stored encrypted with the OS (Electron safeStorage).',
  session: 'kept in memory for this session only (no keychain available).',
};

/**
 * Write-only, like the API key fields: the secret (an S3 secret access key or an Azure account
 * key) goes to the core and never comes back; only "stored or not" does. What is typed is lifted
 * up, so that Check can try it before it is saved.
 */
export function LibrarySecretField({
  stored,
  backend,
  typed,
  onTyped,
  hint,
  words,
}: {
  stored: boolean;
  backend: SecretBackend;
  typed: string;
  onTyped: (secret: string) => void;
  /** Which half of the key pair is missing, if one is. */
  hint: string | null;
  /** The service's names for the secret and its key ID. */
  words: BucketWords;
}) {
  const actions = useSettingsActions();
  const { noun } = words.secret;
  const Noun = noun === 'key' ? 'Key' : 'Secret';
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
        {words.secret.label}
      </label>
      <div className="field-row">
        <SecretInput
          id={id}
          stored={stored}
          placeholder={words.secret.placeholder}
          value={typed}
          onChange={onTyped}
        />
        <button
          type="button"
          className="btn"
          disabled={busy || !typed.trim()}
          onClick={() => void run(() => actions.setLibrarySecret(typed.trim()))}
        >
          {`Save ${noun}`}
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
        {stored ? `${Noun} ${STORED[backend]}` : `No ${noun} stored.`} Quire never shows a stored{' '}
        {noun}.
      </SecretStatus>
      {hint && <p className="field-hint">{hint}</p>}
      {backend === 'session' && (
        <p className="field-hint" data-testid="library-secret-session">
          No keychain answers here, so a {noun} saved now is gone when Quire restarts, which is when
          the library opens. Leave the {words.keyId.name} empty instead, and start Quire with{' '}
          {words.environment} in its environment.
        </p>
      )}
      <FieldError error={error} />
    </div>
  );
}
