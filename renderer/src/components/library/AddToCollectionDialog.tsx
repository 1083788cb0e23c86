import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { Collection } from '../../../../shared/collections';
import type { DocumentInfo } from '../../../../shared/documents';
import { request } from '../../api/call';
import { queryKeys } from '../../hooks/query-keys';
import { PAGE_ROWS } from '../../hooks/use-document-pages';
import { useTransport } from '../../hooks/transport-context';
import { KIND_LABEL, plural, STATUS_LABEL } from '../../library/format';
import { Dialog } from '../ui/Dialog';
import { Spinner } from '../ui/Icon';

/**
 * Picks library documents to put in a collection, from the collection itself: an empty one
 * used to say "add documents with a row's menu" and show no rows to add.
 */
export function AddToCollectionDialog({
  collection,
  onClose,
  onAdd,
}: {
  collection: Collection | null;
  onClose: () => void;
  onAdd: (collectionId: string, documentIds: string[]) => Promise<unknown>;
}) {
  return (
    <Dialog
      open={collection !== null}
      title={collection ? `Add documents to ${collection.name}` : ''}
      onClose={onClose}
      className="pick-dialog"
    >
      {collection && (
        <Picker key={collection.id} collection={collection} onClose={onClose} onAdd={onAdd} />
      )}
    </Dialog>
  );
}

function Picker({
  collection,
  onClose,
  onAdd,
}: {
  collection: Collection;
  onClose: () => void;
  onAdd: (collectionId: string, documentIds: string[]) => Promise<unknown>;
}) {
  const transport = useTransport();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim().toLocaleLowerCase());
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  // The first page of the library's own list (same key): names searched in the core, so a
  // library of any size can be picked from.
  const page = useQuery({
    queryKey: queryKeys.library.page('all', deferred, null, 0),
    queryFn: () =>
      request(transport, 'library.query', {
        offset: 0,
        limit: PAGE_ROWS,
        filter: 'all',
        search: deferred,
        collection: null,
      }),
    placeholderData: keepPreviousData,
  });
  const documents = page.data?.documents ?? [];
  const isMember = (d: DocumentInfo) => d.collections?.includes(collection.id) ?? false;
  const addable = documents.filter((d) => !isMember(d));
  const allPicked = addable.length > 0 && addable.every((d) => picked.has(d.id));
  const toggle = (id: string) =>
    setPicked((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <form
      className="form pick-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.size === 0) return;
        setBusy(true);
        void onAdd(collection.id, [...picked]).then(() => {
          setBusy(false);
          onClose();
        });
      }}
    >
      <div className="pick-toolbar">
        <input
          type="search"
          aria-label="Find documents by name"
          placeholder="Find documents by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={addable.length === 0}
          onClick={() =>
            setPicked((old) => {
              const next = new Set(old);
              for (const d of addable) {
                if (allPicked) next.delete(d.id);
                else next.add(d.id);
              }
              return next;
            })
          }
        >
          {allPicked ? 'Clear shown' : 'Select all shown'}
        </button>
      </div>
      <div className="pick-list" role="group" aria-label="Library documents">
        {page.data === undefined ? (
          <Spinner label="Loading the library" />
        ) : documents.length === 0 ? (
          <p className="list-none">No document name matches.</p>
        ) : (
          documents.map((d) => {
            const member = isMember(d);
            return (
              <label key={d.id} className={member ? 'pick-row pick-member' : 'pick-row'}>
                <input
                  type="checkbox"
                  checked={member || picked.has(d.id)}
                  disabled={member}
                  onChange={() => toggle(d.id)}
                />
                <span className="pick-name">{d.name}</span>
                <span className="pick-meta">
                  {member
                    ? `Already in ${collection.name}`
                    : `${KIND_LABEL[d.kind]} · ${STATUS_LABEL[d.status]}`}
                </span>
              </label>
            );
          })
        )}
        {page.data && page.data.total > documents.length && (
          <p className="field-hint">
            {`Showing ${plural(documents.length, 'document')} of ${page.data.total.toLocaleString('en-US')}: find the others by name.`}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || picked.size === 0}>
          {picked.size === 0 ? 'Add documents' : `Add ${plural(picked.size, 'document')}`}
        </button>
      </div>
    </form>
  );
}
