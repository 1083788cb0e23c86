import { useEffect, useRef, useState } from 'react';
import { useAccess } from '../../hooks/use-access';
import { useLibraryActions } from '../../hooks/use-library';
import { dragHasFiles } from '../../library/file-intake';
import { Icon } from '../ui/Icon';

/**
 * Files and folders dropped anywhere on the window go to the library. For a viewer, who may
 * not add, a drop is refused quietly: no overlay, a "not allowed" cursor, and the browser is
 * still kept from opening the file in place of Quire.
 */
export function DropOverlay() {
  const actions = useLibraryActions();
  const access = useAccess();
  // A drop in the first moments, before app.info has answered, is still taken: the core
  // refuses it with its message if the role does not allow it, where ignoring it would lose it.
  const mayAdd = access.principal === null || access.can('library.add');
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      if (!mayAdd) return;
      depth.current++;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = mayAdd ? 'copy' : 'none';
    };
    const leave = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      if (!dragHasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      depth.current = 0;
      setActive(false);
      if (mayAdd) void actions.addDropped(e.dataTransfer);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [actions, mayAdd]);

  if (!active) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <Icon name="upload" size={36} />
        <p className="drop-title">Drop to add to your library</p>
        <p className="drop-hint">Files and whole folders; everything is indexed on this machine.</p>
      </div>
    </div>
  );
}
