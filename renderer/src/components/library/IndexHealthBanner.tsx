import { useState } from 'react';
import type { IndexHealth } from '../../../../shared/documents';
import { useCan } from '../../hooks/use-access';
import { useLibraryActions } from '../../hooks/use-library';
import { Icon, Spinner } from '../ui/Icon';

/**
 * Shown while the search index is damaged or being rebuilt; offers the rebuild to the owner,
 * and tells anyone else who can do it.
 */
export function IndexHealthBanner({ health }: { health: IndexHealth }) {
  const actions = useLibraryActions();
  const mayRebuild = useCan()('library.rebuildIndex');
  const [asked, setAsked] = useState(false);
  if (health.status === 'ok') return null;
  const rebuilding = health.status === 'rebuilding' || asked;

  const rebuild = async () => {
    setAsked(true);
    try {
      await actions.rebuildIndex();
    } finally {
      setAsked(false);
    }
  };

  return (
    <div className="callout callout-warn index-banner" role="alert" data-testid="index-health">
      <Icon name="alert" />
      <div>
        <p className="callout-title">
          {rebuilding ? 'Rebuilding the search index' : 'The search index is damaged'}
        </p>
        <p className="callout-text">
          {rebuilding
            ? 'Every document is indexed again from its file. Search works again as each one is ready.'
            : mayRebuild
              ? (health.error?.message ??
                'Part of the index cannot be read. Rebuild it from your documents; your files are not touched.')
              : 'Part of the index cannot be read, so some searches may miss passages. The owner of this Quire can rebuild it.'}
        </p>
      </div>
      {rebuilding ? (
        <Spinner label="Rebuilding" />
      ) : !mayRebuild ? null : (
        <button type="button" className="btn btn-primary" onClick={() => void rebuild()}>
          <Icon name="refresh" />
          Rebuild index
        </button>
      )}
    </div>
  );
}
