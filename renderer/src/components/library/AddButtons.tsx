import { useEffect, useRef } from 'react';
import { FILE_INPUT_ACCEPT } from '../../../../shared/file-types';
import { useCan } from '../../hooks/use-access';
import { useLibraryActions } from '../../hooks/use-library';
import { isHiddenName } from '../../library/file-intake';
import { Icon } from '../ui/Icon';

/**
 * "Add files…" and "Add folder…": native dialogs in Electron, file inputs in a browser.
 * Absent for a viewer, who may not add (an upload is checked as `library.add`).
 */
export function AddButtons({ compact = false }: { compact?: boolean }) {
  return useCan()('library.add') ? <AddButtonsFor compact={compact} /> : null;
}

function AddButtonsFor({ compact }: { compact: boolean }) {
  const actions = useLibraryActions();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const pick = window.quire?.pickPaths;

  useEffect(() => {
    // Not in React's attribute types; the property is standard in every engine we run in.
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);

  const choose = async (kind: 'files' | 'folder') => {
    if (pick) {
      await actions.addPaths(await pick(kind));
      return;
    }
    (kind === 'files' ? filesInput : folderInput).current?.click();
  };

  const onPicked = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])].filter((f) => !isHiddenName(f.name));
    input.value = '';
    void actions.uploadFiles(files);
  };

  return (
    <div className="add-buttons">
      <button type="button" className="btn btn-primary" onClick={() => void choose('files')}>
        <Icon name="plus" />
        {compact ? 'Files…' : 'Add files…'}
      </button>
      <button type="button" className="btn" onClick={() => void choose('folder')}>
        <Icon name="folder" />
        {compact ? 'Folder…' : 'Add folder…'}
      </button>
      {!pick && (
        <>
          <input
            ref={filesInput}
            type="file"
            multiple
            accept={FILE_INPUT_ACCEPT}
            hidden
            data-testid="add-files-input"
            onChange={(e) => onPicked(e.currentTarget)}
          />
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            data-testid="add-folder-input"
            onChange={(e) => onPicked(e.currentTarget)}
          />
        </>
      )}
    </div>
  );
}
