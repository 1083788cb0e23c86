import { useLibrary } from '../../hooks/use-library';
import { useDocumentQuestions } from '../../hooks/use-document-questions';
import { Icon } from '../ui/Icon';

function useDocumentName() {
  const documents = useLibrary()?.documents;
  return (id: string) => documents?.find((d) => d.id === id)?.name ?? 'A removed document';
}

/**
 * The chat header's pins: each pinned document, and a way to pin another. A new chat (no
 * conversation yet) offers it too: pinning there starts the conversation.
 */
export function PinnedDocuments({
  conversationId,
  pinned,
  onPinNew,
}: {
  conversationId: string | null;
  pinned: readonly string[];
  /** Pins into a new conversation; the chat view carries its chosen scope over. */
  onPinNew: (documentId: string) => void;
}) {
  const nameOf = useDocumentName();
  const documents = useLibrary()?.documents ?? [];
  const { pin, unpin } = useDocumentQuestions();
  const pinnable = documents.filter((d) => d.status === 'ready' && !pinned.includes(d.id));
  if (pinned.length === 0 && pinnable.length === 0) return null;
  return (
    <div className="pinned-documents" data-testid="pinned-documents">
      {pinned.map((id) => (
        <span
          key={id}
          className="chip"
          title={`Pinned: the text of ${nameOf(id)} is in every prompt of this conversation`}
        >
          <Icon name="pin" size={12} />
          <span className="chip-text">
            <span className="sr-only">Pinned: </span>
            {nameOf(id)}
          </span>
          {conversationId && (
            <button
              type="button"
              className="chip-remove"
              aria-label={`Unpin ${nameOf(id)}`}
              onClick={() => void unpin(id, conversationId)}
            >
              <Icon name="x" size={12} />
            </button>
          )}
        </span>
      ))}
      {pinnable.length > 0 && (
        <select
          className="pin-select"
          aria-label="Pin a document to this conversation"
          title="Pin a document: its text goes into every prompt of this conversation"
          value=""
          onChange={(e) => {
            const id = e.target.value;
            if (!id) return;
            if (conversationId) void pin(id, conversationId);
            else onPinNew(id);
          }}
        >
          {/* Short once a chip shows what pinning is: the header's room goes to the title. */}
          <option value="">{pinned.length > 0 ? 'Pin…' : 'Pin a document…'}</option>
          {pinnable.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

/** Above the composer: the next question is about this whole document. */
export function AboutDocumentChip({
  documentId,
  onClear,
}: {
  documentId: string;
  onClear: () => void;
}) {
  const name = useDocumentName()(documentId);
  return (
    <div className="about-document" data-testid="about-document">
      <span className="chip" title="Answered from every page of the document, not from a search">
        <span className="chip-text">Asking about the whole of {name}</span>
        <button
          type="button"
          className="chip-remove"
          aria-label="Ask the whole library instead"
          onClick={onClear}
        >
          <Icon name="x" size={12} />
        </button>
      </span>
    </div>
  );
}

/**
 * In the header, in place of the search scope while questions are about one whole document:
 * nothing is searched then, every page of it is read.
 */
export function WholeDocumentScope({ documentId }: { documentId: string }) {
  const name = useDocumentName()(documentId);
  return (
    <span
      className="scope-picker scope-whole-document"
      data-testid="chat-whole-document"
      title={`Every page of ${name} is read; the library is not searched`}
    >
      <span className="scope-label">Reading</span>
      <span className="scope-document">every page of {name}</span>
    </span>
  );
}

/** Under a question that was about one whole document. */
export function AskedAboutLabel({ documentId }: { documentId: string }) {
  const name = useDocumentName()(documentId);
  return <p className="asked-about">About the whole of {name}</p>;
}
