import type { Conversation } from '../../api/event-types';
import { useLibrary } from '../../hooks/use-library';
import { useDocumentQuestions } from '../../hooks/use-document-questions';
import { Icon } from '../ui/Icon';

function useDocumentName() {
  const documents = useLibrary()?.documents;
  return (id: string) => documents?.find((d) => d.id === id)?.name ?? 'A removed document';
}

/** The chat header's pins: each pinned document, and a way to pin another. */
export function PinnedDocuments({ conversation }: { conversation: Conversation }) {
  const nameOf = useDocumentName();
  const documents = useLibrary()?.documents ?? [];
  const { pin, unpin } = useDocumentQuestions();
  const pinned = conversation.pinnedDocumentIds ?? [];
  const pinnable = documents.filter((d) => d.status === 'ready' && !pinned.includes(d.id));
  return (
    <div className="pinned-documents" data-testid="pinned-documents">
      {pinned.map((id) => (
        <span
          key={id}
          className="chip"
          title="Pinned: its text is in every prompt of this conversation"
        >
          <span className="chip-text">Pinned: {nameOf(id)}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Unpin ${nameOf(id)}`}
            onClick={() => void unpin(id, conversation.id)}
          >
            <Icon name="x" size={12} />
          </button>
        </span>
      ))}
      {pinnable.length > 0 && (
        <select
          className="pin-select"
          aria-label="Pin a document to this conversation"
          value=""
          onChange={(e) => e.target.value && void pin(e.target.value, conversation.id)}
        >
          <option value="">Pin a document…</option>
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

/** Under a question that was about one whole document. */
export function AskedAboutLabel({ documentId }: { documentId: string }) {
  const name = useDocumentName()(documentId);
  return <p className="asked-about">About the whole of {name}</p>;
}
