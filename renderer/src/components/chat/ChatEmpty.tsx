import { useCan } from '../../hooks/use-access';
import { useLibrary } from '../../hooks/use-library';
import { useSettings } from '../../hooks/use-settings';
import { plural } from '../../library/format';
import { AddButtons } from '../library/AddButtons';
import { Icon } from '../ui/Icon';
import { GetStarted } from './GetStarted';

/**
 * Teaches the next step: a model first (Get started), then documents, then ask. Each step is
 * taught only to someone who may take it: setting up a model is the owner's, adding documents
 * an editor's.
 */
export function ChatEmpty() {
  const library = useLibrary();
  const settings = useSettings();
  const can = useCan();
  const noModel = settings.data?.settings.provider.kind === 'none';
  if (noModel && can('settings.update')) return <GetStarted />;
  if (library && library.totals.documents === 0 && !can('library.add')) {
    return (
      <div className="empty-state" data-testid="chat-empty">
        <div className="empty-icon" aria-hidden="true">
          <Icon name="library" size={28} />
        </div>
        <p className="empty-title">No documents yet</p>
        <p className="empty-hint">
          This library is empty. Once documents are added, ask anything and every answer cites the
          passages it is based on.
        </p>
      </div>
    );
  }
  if (library && library.totals.documents === 0) {
    return (
      <div className="empty-state" data-testid="chat-empty">
        <div className="empty-icon" aria-hidden="true">
          <Icon name="upload" size={28} />
        </div>
        <p className="empty-title">Drop files here</p>
        <p className="empty-hint">
          Drag PDFs, Markdown, text or Word files, images, or whole folders onto this window. Quire
          indexes them on this machine, then answers your questions with citations.
        </p>
        <AddButtons />
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="chat-empty">
      <div className="empty-icon" aria-hidden="true">
        <Icon name="chat" size={28} />
      </div>
      <p className="empty-title">Ask your documents anything</p>
      <p className="empty-hint">
        {library
          ? `${plural(library.totals.documents, 'document')} · ${plural(library.totals.chunks, 'passage')} ready. `
          : ''}
        Every answer cites the passages it is based on; click a citation to see it in the document.
      </p>
    </div>
  );
}
