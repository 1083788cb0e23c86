import { useEffect, type ReactNode } from 'react';
import { useConnectionState } from '../../hooks/transport-context';
import { takeTokenFromLocation } from '../../transport/http-transport';
import { Icon } from '../ui/Icon';

export type AccessProblem = 'missing' | 'refused';

/** A browser tab holds Quire's access token only when it was opened from the printed address. */
export function AccessGate({ hasToken, children }: { hasToken: boolean; children: ReactNode }) {
  const state = useConnectionState();
  if (state !== 'unauthorized') return children;
  return <AccessLinkScreen problem={hasToken ? 'refused' : 'missing'} />;
}

export function AccessLinkScreen({ problem }: { problem: AccessProblem }) {
  // Pasting the full address into this tab only changes the fragment, which loads nothing:
  // keep the new token and start over with it.
  useEffect(() => {
    const onHashChange = () => {
      if (!/(?:^#|&)token=/.test(window.location.hash)) return;
      takeTokenFromLocation(window.location, window.sessionStorage);
      window.location.reload();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const example = `${window.location.origin}/#token=…`;
  return (
    <main className="access-screen" data-testid="access-link" data-problem={problem}>
      <div className="access-card">
        <div className="empty-icon" aria-hidden="true">
          <Icon name="lock" size={28} />
        </div>
        {problem === 'missing' ? (
          <>
            <h1 className="empty-title">Quire needs its access link</h1>
            <p className="empty-hint">
              This page was opened without the key that lets it reach Quire. Open the full address
              that <code>npm run serve</code> printed when Quire started; it looks like this:
            </p>
          </>
        ) : (
          <>
            <h1 className="empty-title">This access link is out of date</h1>
            <p className="empty-hint">
              Quire refused this page&rsquo;s key, most likely because Quire was restarted and made
              a new one. Open the new address that <code>npm run serve</code> printed; it looks like
              this:
            </p>
          </>
        )}
        <code className="access-example">{example}</code>
        <p className="access-note">
          The key stays in this tab only, so a new tab or window needs the full address again.
        </p>
      </div>
    </main>
  );
}
