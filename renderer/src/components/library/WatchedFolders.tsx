import { useState } from 'react';
import type { Collection } from '../../../../shared/collections';
import { useLibraryActions } from '../../hooks/use-library';
import { Icon } from '../ui/Icon';

/** The end of a long path is the part that tells folders apart. */
export function shortPath(folder: string, max = 42): string {
  return folder.length <= max ? folder : `…${folder.slice(folder.length - max + 1)}`;
}

/** Folders Quire keeps in sync: new, changed and deleted files are picked up. */
export function WatchedFolders({
  folders,
  collections = [],
  folderCollections = {},
}: {
  folders: readonly string[];
  collections?: readonly Collection[];
  /** Folder → the collection it feeds. */
  folderCollections?: Readonly<Record<string, string>>;
}) {
  const actions = useLibraryActions();
  const [draft, setDraft] = useState('');
  const [adding, setAdding] = useState(false);
  const pick = window.quire?.pickPaths;

  const startAdding = async () => {
    if (pick) {
      const [folder] = await pick('folder');
      if (folder) await actions.watch(folder);
      return;
    }
    setAdding(true);
  };

  return (
    <section className="watched" aria-label="Watched folders">
      <span className="watched-label">
        <Icon name="eye" size={14} /> Watched folders
      </span>
      <ul className="watched-list">
        {folders.length === 0 && !adding && <li className="watched-none">None yet</li>}
        {folders.map((folder) => (
          <li key={folder} className="chip" title={folder}>
            <Icon name="folder" size={13} />
            <span className="chip-text">{shortPath(folder)}</span>
            {collections.length > 0 && (
              <select
                className="chip-select"
                aria-label={`Collection ${folder} feeds`}
                value={folderCollections[folder] ?? ''}
                onChange={(e) => void actions.watch(folder, e.target.value || undefined)}
              >
                <option value="">No collection</option>
                {collections.map((c) => (
                  <option key={c.id} value={c.id}>
                    → {c.name}
                  </option>
                ))}
              </select>
            )}
            <button
              type="button"
              className="chip-remove"
              aria-label={`Stop watching ${folder}`}
              onClick={() => void actions.unwatch(folder)}
            >
              <Icon name="x" size={12} />
            </button>
          </li>
        ))}
      </ul>
      {adding ? (
        <form
          className="watched-form"
          onSubmit={(e) => {
            e.preventDefault();
            const folder = draft.trim();
            if (!folder) return;
            void actions.watch(folder).then(() => {
              setDraft('');
              setAdding(false);
            });
          }}
        >
          <input
            aria-label="Folder path to watch"
            placeholder="/path/to/folder"
            value={draft}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setAdding(false);
            }}
          />
          <button type="submit" className="btn btn-small btn-primary">
            Watch
          </button>
          <button type="button" className="btn btn-small" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => void startAdding()}
        >
          <Icon name="plus" size={14} /> Watch a folder…
        </button>
      )}
    </section>
  );
}
