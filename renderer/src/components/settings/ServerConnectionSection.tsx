import { useId, useState, type FormEvent } from 'react';
import type { QuireBridge, ServerConnectResult } from '../../../../shared/bridge';
import { Icon, Spinner } from '../ui/Icon';

type Attempt =
  { state: 'idle' } | { state: 'connecting' } | { state: 'done'; result: ServerConnectResult };

/**
 * Settings → Connect to a Quire server (the desktop app only): a person's link, or an address
 * and a token. Main checks the server, keeps the token in the keychain and shows the server's
 * interface in this window; File › Disconnect brings this computer's library back.
 */
export function ServerConnectionSection({
  bridge = typeof window === 'undefined' ? undefined : window.quire,
}: {
  bridge?: Pick<QuireBridge, 'connectServer'>;
}) {
  const connect = bridge?.connectServer;
  const [link, setLink] = useState('');
  const [token, setToken] = useState('');
  const [attempt, setAttempt] = useState<Attempt>({ state: 'idle' });
  const linkId = useId();
  const tokenId = useId();
  // A browser tab already is a server's interface; only the app can point itself elsewhere.
  if (!connect) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!link.trim()) return;
    setAttempt({ state: 'connecting' });
    const result = await connect(token.trim() ? { link, token } : { link });
    setAttempt({ state: 'done', result });
    if (result.ok) setToken('');
  };

  const busy = attempt.state === 'connecting';
  const outcome = attempt.state === 'done' ? attempt.result : null;
  return (
    <fieldset className="settings-group" data-testid="server-connection">
      <legend>Connect to a Quire server</legend>
      <p className="field-hint">
        Use a team’s Quire instead of the library on this computer: paste the link you were given
        (it ends in #token=…). This window then shows that server’s library, with what your role
        there allows; File › Disconnect comes back here.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label className="field-label" htmlFor={linkId}>
            Link or address
          </label>
          <input
            id={linkId}
            value={link}
            placeholder="https://quire.example.com:8443/#token=…"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setLink(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={tokenId}>
            Token (if the link has none)
          </label>
          <div className="field-row">
            <input
              id={tokenId}
              type="password"
              value={token}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setToken(e.target.value)}
            />
            <button type="submit" className="btn btn-primary" disabled={busy || !link.trim()}>
              {busy ? <Spinner /> : <Icon name="cloud" />} Connect
            </button>
          </div>
          <p className="field-hint">
            The token is kept as API keys are, in your system keychain, never in a settings file.
            Plain http:// is refused unless the server is this computer.
          </p>
        </div>
      </form>
      {outcome && (
        <div
          className={outcome.ok ? 'callout callout-ok' : 'callout callout-warn'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="server-connection-result"
          data-code={outcome.ok ? 'ok' : outcome.error.code}
        >
          <Icon name={outcome.ok ? 'check' : 'alert'} />
          <p className="callout-text">
            {outcome.ok
              ? `Connected to ${outcome.value.host} as ${outcome.value.name} (${outcome.value.role}). Opening its library…`
              : outcome.error.message}
          </p>
        </div>
      )}
    </fieldset>
  );
}
