import {
  describeScope,
  type Collection,
  type ConversationScope,
} from '../../../../shared/collections';

const ALL = 'all';
const PICKED = 'documents';

/**
 * What the conversation searches: every document or one collection. A hand-picked set
 * (from the command line or another app) shows as such and can be widened from here.
 */
export function ScopePicker({
  scope,
  collections,
  onChange,
}: {
  scope: ConversationScope | undefined;
  collections: readonly Collection[];
  onChange: (scope: ConversationScope) => void;
}) {
  const value =
    scope?.kind === 'collection' ? scope.collectionId : scope?.kind === 'documents' ? PICKED : ALL;
  const deleted =
    scope?.kind === 'collection' && !collections.some((c) => c.id === scope.collectionId);
  const label = describeScope(scope, (id) => collections.find((c) => c.id === id)?.name);
  return (
    <label className="scope-picker" title={`Searching: ${label}`}>
      <span className="scope-label">Searching</span>
      <select
        aria-label="What this chat searches"
        data-testid="chat-scope"
        value={value}
        onChange={(e) => {
          const next = e.target.value;
          if (next === PICKED) return;
          onChange(next === ALL ? { kind: 'all' } : { kind: 'collection', collectionId: next });
        }}
      >
        <option value={ALL}>All documents</option>
        {collections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
        {scope?.kind === 'documents' && <option value={PICKED}>{label}</option>}
        {deleted && <option value={scope.collectionId}>{label}</option>}
      </select>
    </label>
  );
}
