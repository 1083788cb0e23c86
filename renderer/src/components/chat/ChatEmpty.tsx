import { useLibrary } from '../../hooks/use-library';
import { navigate } from '../../hooks/use-route';
import { useSettings } from '../../hooks/use-settings';
import { plural } from '../../library/format';
import { AddButtons } from '../library/AddButtons';
import { Icon } from '../ui/Icon';

/** Teaches the next step: add documents first, then (optionally) a model, then ask. */
export function ChatEmpty() {
  const library = useLibrary();
  const settings = useSettings();
  const noModel = settings.data?.settings.provider.kind === 'none';
  if (library && library.documents.length === 0) {
    return (
      <div className="empty-state" data-testid="chat-empty">
        <div className="empty-icon" aria-hidden="true">
          <Icon name="upload" size={28} />
        </div>
        <p className="empty-title">Drop files here</p>
        <p className="empty-hint">
          Drag PDFs, Markdown, text or Word files (or whole folders) onto this window. Quire indexes
          them on this machine, then answers your questions with citations.
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
          ? `${plural(library.totals.documents, 'document')} · ${library.totals.chunks.toLocaleString('en-US')} passages ready. `
          : ''}
        Every answer cites the passages it is based on; click a citation to see it in the document.
      </p>
      {noModel && (
        <div className="callout">
          <Icon name="sparkle" />
          <div>
            <p className="callout-title">No language model yet</p>
            <p className="callout-text">
              Quire will show the most relevant passages. To get written answers, pick a local GGUF
              model, Ollama or a remote provider.
            </p>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => navigate({ view: 'settings' })}
            >
              Set up a model
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
