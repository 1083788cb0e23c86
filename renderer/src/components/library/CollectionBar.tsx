import { useState } from 'react';
import type { Collection } from '../../../../shared/collections';
import { useCan } from '../../hooks/use-access';
import type { CollectionActions } from '../../hooks/use-collections';
import { plural } from '../../library/format';
import { ConfirmDialog, Dialog } from '../ui/Dialog';
import { Icon } from '../ui/Icon';

/** Which collection the list shows: every document, or one collection's. */
export type CollectionFilter = string | null;

type Editing = { mode: 'create' } | { mode: 'rename'; collection: Collection } | null;

/**
 * The library's collection controls: pick one to filter the list, create, rename, empty or
 * delete it, and put the documents shown into a collection in one go. Each change is offered
 * only when the person's role may make it; a viewer keeps the filter and the chat.
 */
export function CollectionBar({
  collections,
  selected,
  onSelect,
  shownIds,
  actions,
  chat,
  onAddDocuments,
}: {
  collections: readonly Collection[];
  selected: CollectionFilter;
  onSelect: (id: CollectionFilter) => void;
  /** The documents the list shows now (after the name and status filters). */
  shownIds: readonly string[];
  actions: CollectionActions;
  /** Starts a chat scoped to what is shown; null when the list is not narrowed. */
  chat: { label: string; start: () => void } | null;
  /** Opens the picker of library documents for this collection. */
  onAddDocuments: (collection: Collection) => void;
}) {
  const [editing, setEditing] = useState<Editing>(null);
  const [confirm, setConfirm] = useState<{
    kind: 'empty' | 'delete';
    collection: Collection;
  } | null>(null);
  const current = collections.find((c) => c.id === selected) ?? null;
  const can = useCan();

  return (
    <div className="collection-bar" data-testid="collection-bar">
      <label className="collection-select">
        <span>Collection</span>
        <select
          aria-label="Show collection"
          value={current?.id ?? ''}
          onChange={(e) => onSelect(e.target.value || null)}
        >
          <option value="">All documents</option>
          {collections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.documentCount})
            </option>
          ))}
        </select>
      </label>
      {can('collections.create') && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEditing({ mode: 'create' })}
        >
          <Icon name="plus" size={14} /> New collection
        </button>
      )}
      {current && (
        <>
          {can('collections.addDocuments') && (
            <button type="button" className="btn btn-small" onClick={() => onAddDocuments(current)}>
              <Icon name="plus" size={14} /> Add documents…
            </button>
          )}
          {can('collections.rename') && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setEditing({ mode: 'rename', collection: current })}
            >
              <Icon name="edit" size={14} /> Rename
            </button>
          )}
          {can('collections.empty') && (
            <button
              type="button"
              className="btn btn-small"
              disabled={current.documentCount === 0}
              onClick={() => setConfirm({ kind: 'empty', collection: current })}
            >
              Empty
            </button>
          )}
          {can('collections.delete') && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setConfirm({ kind: 'delete', collection: current })}
            >
              <Icon name="trash" size={14} /> Delete
            </button>
          )}
        </>
      )}
      {chat && (
        <button type="button" className="btn btn-small" onClick={chat.start}>
          <Icon name="chat" size={14} /> {chat.label}
        </button>
      )}
      {!current &&
        can('collections.addDocuments') &&
        collections.length > 0 &&
        shownIds.length > 0 && (
          <label className="collection-select collection-bulk">
            <span>{`Add ${plural(shownIds.length, 'shown document')} to`}</span>
            <select
              aria-label="Add the shown documents to a collection"
              value=""
              onChange={(e) => {
                if (e.target.value) void actions.addDocuments(e.target.value, [...shownIds]);
              }}
            >
              <option value="">Choose…</option>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      <NameDialog
        editing={editing}
        onClose={() => setEditing(null)}
        onSubmit={async (name) => {
          if (editing?.mode === 'rename')
            return (await actions.rename(editing.collection.id, name)) !== null;
          const created = await actions.create(name);
          if (created) onSelect(created.id);
          return created !== null;
        }}
      />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.kind === 'delete' ? 'Delete this collection?' : 'Empty this collection?'}
        description={
          <>
            <strong>{confirm?.collection.name}</strong>{' '}
            {confirm?.kind === 'delete'
              ? 'goes away. Its documents stay in your library, and in any other collection.'
              : 'keeps its name but no longer holds any document. The documents stay in your library.'}
          </>
        }
        confirmLabel={confirm?.kind === 'delete' ? 'Delete collection' : 'Empty collection'}
        danger={confirm?.kind === 'delete'}
        onConfirm={() => {
          if (!confirm) return;
          if (confirm.kind === 'empty') void actions.empty(confirm.collection.id);
          else {
            onSelect(null);
            void actions.remove(confirm.collection.id);
          }
        }}
        onClose={() => setConfirm(null)}
      />
    </div>
  );
}

function NameDialog({
  editing,
  onClose,
  onSubmit,
}: {
  editing: Editing;
  onClose: () => void;
  onSubmit: (name: string) => Promise<boolean>;
}) {
  const initial = editing?.mode === 'rename' ? editing.collection.name : '';
  const [busy, setBusy] = useState(false);
  const open = editing !== null;
  return (
    <Dialog
      open={open}
      title={editing?.mode === 'rename' ? 'Rename collection' : 'New collection'}
      onClose={onClose}
    >
      <form
        className="form"
        key={editing?.mode === 'rename' ? editing.collection.id : 'new'}
        onSubmit={(e) => {
          e.preventDefault();
          const value = String(new FormData(e.currentTarget).get('name') ?? '').trim();
          if (!value) return;
          setBusy(true);
          void onSubmit(value).then((ok) => {
            setBusy(false);
            if (ok) onClose();
          });
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input
            name="name"
            aria-label="Collection name"
            defaultValue={initial}
            maxLength={120}
            required
          />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {editing?.mode === 'rename' ? 'Rename' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
