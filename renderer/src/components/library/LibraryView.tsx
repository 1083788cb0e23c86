import { useDeferredValue, useMemo, useState } from 'react';
import type { Collection } from '../../../../shared/collections';
import type { DocumentInfo, LibraryFilter } from '../../../../shared/documents';
import { useViewerActions } from '../../hooks/app-services';
import { useCan } from '../../hooks/use-access';
import { useDocumentPages } from '../../hooks/use-document-pages';
import { useIndexingEtas } from '../../hooks/use-indexing-etas';
import { useLibrary, useLibraryActions } from '../../hooks/use-library';
import { useCollectionActions, useCollections, useNewChatScope } from '../../hooks/use-collections';
import { navigate } from '../../hooks/use-route';
import { formatEta, plural } from '../../library/format';
import { isIndexing, newestFirst } from '../../library/library-reducer';
import { ConfirmDialog } from '../ui/Dialog';
import { Icon, Spinner } from '../ui/Icon';
import { AddButtons } from './AddButtons';
import { AddToCollectionDialog } from './AddToCollectionDialog';
import { CollectionBar, type CollectionFilter } from './CollectionBar';
import { DocumentList } from './DocumentList';
import { IndexHealthBanner } from './IndexHealthBanner';
import { useDocumentQuestions } from '../../hooks/use-document-questions';
import { totalsLine, type RowActions } from './DocumentRow';
import { PasswordDialog } from './PasswordDialog';
import { WatchedFolders } from './WatchedFolders';

type Filter = LibraryFilter;
const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'indexing', label: 'Indexing' },
  { id: 'failed', label: 'Failed' },
  { id: 'ready', label: 'Ready' },
];

function matches(
  doc: DocumentInfo,
  filter: Filter,
  query: string,
  collection: CollectionFilter,
): boolean {
  if (collection && !doc.collections?.includes(collection)) return false;
  if (filter === 'indexing' && !isIndexing(doc)) return false;
  if (filter === 'failed' && doc.status !== 'failed' && doc.status !== 'cancelled') return false;
  if (filter === 'ready' && doc.status !== 'ready') return false;
  return (
    !query ||
    doc.name.toLocaleLowerCase().includes(query) ||
    doc.path.toLocaleLowerCase().includes(query)
  );
}

export function LibraryView() {
  const library = useLibrary();
  const actions = useLibraryActions();
  const viewer = useViewerActions();
  const questions = useDocumentQuestions();
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim().toLocaleLowerCase());
  const [unlocking, setUnlocking] = useState<DocumentInfo | null>(null);
  const [removing, setRemoving] = useState<DocumentInfo | null>(null);
  const collections = useCollections();
  const collectionActions = useCollectionActions();
  const [collectionFilter, setCollectionFilter] = useState<CollectionFilter>(null);
  const [filling, setFilling] = useState<Collection | null>(null);
  const can = useCan();
  const mayAdd = can('library.add');
  // A collection deleted (here or in another window) stops filtering the list.
  const shownCollection = collections.some((c) => c.id === collectionFilter)
    ? collectionFilter
    : null;

  // Each command is offered only when the person's role may call it.
  const rowActions = useMemo<RowActions>(
    () => ({
      ...(can('library.retry')
        ? { retry: (doc) => void actions.retry(doc.id), unlock: setUnlocking }
        : {}),
      ...(can('library.reindex') ? { reindex: (doc) => void actions.reindex(doc.id) } : {}),
      ...(can('library.remove') ? { remove: setRemoving } : {}),
      ...(can('library.cancel') ? { cancel: (doc) => void actions.cancel(doc.id) } : {}),
      open: (doc) =>
        viewer.open({
          documentId: doc.id,
          title: doc.name,
          page: doc.kind === 'pdf' ? 1 : null,
          charStart: 0,
          charEnd: 0,
        }),
      collections,
      ...(can('collections.addDocuments') && can('collections.removeDocuments')
        ? {
            toggleCollection: (doc: DocumentInfo, collectionId: string) =>
              void (doc.collections?.includes(collectionId)
                ? collectionActions.removeDocuments(collectionId, [doc.id])
                : collectionActions.addDocuments(collectionId, [doc.id])),
          }
        : {}),
      ask: (doc) => questions.askAbout(doc.id),
      pin: (doc) => void questions.pin(doc.id, null),
    }),
    [actions, viewer, collections, collectionActions, questions, can],
  );

  const documents = library?.documents;
  const etas = useIndexingEtas(documents, library?.totals);
  const visible = useMemo(() => {
    // A large library is filtered and sorted in the core, page by page.
    if (!documents || !library?.complete) return [];
    const sorted = newestFirst(documents);
    if (filter === 'all' && !deferredQuery && !shownCollection) return sorted;
    return sorted.filter((d) => matches(d, filter, deferredQuery, shownCollection));
  }, [documents, library?.complete, filter, deferredQuery, shownCollection]);
  const shownIds = useMemo(() => visible.map((d) => d.id), [visible]);
  const [, setNewChatScope] = useNewChatScope();
  // A narrowed list can become a chat's scope: the whole collection, or the documents shown.
  const narrowed = shownCollection !== null || deferredQuery !== '' || filter !== 'all';
  const wholeCollection = shownCollection !== null && deferredQuery === '' && filter === 'all';
  // A paged list does not hold every shown id: it offers only the whole collection.
  const chatAbout =
    narrowed &&
    (wholeCollection || (library?.complete && shownIds.length > 0 && shownIds.length <= 1_000))
      ? {
          label: wholeCollection
            ? 'Chat with this collection'
            : `Chat about ${plural(shownIds.length, 'shown document')}`,
          start: () => {
            setNewChatScope(
              wholeCollection && shownCollection !== null
                ? { kind: 'collection', collectionId: shownCollection }
                : { kind: 'documents', documentIds: [...shownIds] },
            );
            navigate({ view: 'chat', conversationId: null });
          },
        }
      : null;

  return (
    <section className="view library-view" aria-labelledby="library-title">
      <header className="view-header">
        <div className="view-heading">
          <h2 id="library-title">Library</h2>
          <p className="view-sub" data-testid="library-totals">
            {library ? totalsLine(library.totals, formatEta(etas.totalMs)) : 'Loading…'}
            {library?.paused && <span className="pill pill-warn">Paused</span>}
          </p>
        </div>
        <div className="view-actions">
          {/* Pausing is offered only while there is something to pause. */}
          {library && can('library.pause') && (library.paused || library.totals.indexing > 0) && (
            <button
              type="button"
              className="btn"
              aria-pressed={library.paused}
              onClick={() => void (library.paused ? actions.resume() : actions.pause())}
            >
              <Icon name={library.paused ? 'play' : 'pause'} />
              {library.paused ? 'Resume indexing' : 'Pause indexing'}
            </button>
          )}
          <AddButtons />
        </div>
      </header>
      {library && <IndexHealthBanner health={library.index} />}
      {/* Watched folders are paths on the server's disk: the owner's to see and choose. */}
      {library && can('library.watch') && (
        <WatchedFolders
          folders={library.watchedFolders}
          collections={collections}
          folderCollections={library.folderCollections}
        />
      )}
      {library && library.documents.length > 0 && (
        <CollectionBar
          collections={collections}
          selected={shownCollection}
          onSelect={setCollectionFilter}
          shownIds={shownIds}
          actions={collectionActions}
          chat={chatAbout}
          onAddDocuments={setFilling}
        />
      )}
      {!library ? (
        <div className="empty-state">
          <Spinner label="Loading the library" />
        </div>
      ) : library.totals.documents === 0 ? (
        <div className="empty-state" data-testid="library-empty">
          <div className="empty-icon" aria-hidden="true">
            <Icon name="upload" size={28} />
          </div>
          {mayAdd ? (
            <>
              <p className="empty-title">Drop files here</p>
              <p className="empty-hint">
                Drag PDFs, Markdown, text, HTML or Word files, images (their text is read by OCR),
                or whole folders anywhere on this window. They are indexed on this machine; nothing
                is uploaded anywhere.
              </p>
              <AddButtons />
            </>
          ) : (
            <>
              <p className="empty-title">No documents yet</p>
              <p className="empty-hint">
                The library is empty. Documents appear here as the people who may add them do.
              </p>
            </>
          )}
        </div>
      ) : (
        <>
          <div className="list-toolbar">
            <label className="search-field">
              <Icon name="search" size={14} />
              {/* Only names and paths are searched here: the placeholder says so, so that a
                  word from inside a document finding nothing is no surprise. */}
              <input
                type="search"
                placeholder="Filter by name"
                aria-label="Filter documents"
                title="Searches document names and paths, not their text. Ask a question to search the text."
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </label>
            <div className="segmented" role="group" aria-label="Show">
              {FILTERS.map((f) => (
                <button
                  key={f.id}
                  type="button"
                  aria-pressed={filter === f.id}
                  onClick={() => setFilter(f.id)}
                >
                  {f.label}
                </button>
              ))}
            </div>
          </div>
          {!library.complete ? (
            <PagedDocuments
              filter={filter}
              search={deferredQuery}
              collection={shownCollection}
              live={library.documents}
              etas={etas.documents}
              actions={rowActions}
            />
          ) : visible.length === 0 ? (
            shownCollection && !deferredQuery && filter === 'all' ? (
              <div className="list-none collection-empty" data-testid="collection-empty">
                <span>This collection is empty.</span>
                {can('collections.addDocuments') && (
                  <button
                    type="button"
                    className="btn btn-small btn-primary"
                    onClick={() =>
                      setFilling(collections.find((c) => c.id === shownCollection) ?? null)
                    }
                  >
                    <Icon name="plus" size={14} /> Add documents…
                  </button>
                )}
              </div>
            ) : (
              <NoMatch
                search={query.trim()}
                searchOnly={filter === 'all' && shownCollection === null}
              />
            )
          ) : (
            <DocumentList
              count={visible.length}
              rowAt={(i) => visible[i]}
              etas={etas.documents}
              actions={rowActions}
            />
          )}
        </>
      )}
      <AddToCollectionDialog
        collection={filling}
        onClose={() => setFilling(null)}
        onAdd={collectionActions.addDocuments}
      />
      <PasswordDialog
        doc={unlocking}
        onClose={() => setUnlocking(null)}
        onSubmit={(doc, password) => void actions.retry(doc.id, password)}
      />
      <ConfirmDialog
        open={removing !== null}
        title="Remove from library?"
        description={
          <>
            <strong>{removing?.name}</strong> and its passages leave the library. The file on disk
            stays where it is.
          </>
        }
        confirmLabel="Remove"
        danger
        onConfirm={() => removing && void actions.remove(removing.id)}
        onClose={() => setRemoving(null)}
      />
    </section>
  );
}

/** Nothing matches: when the search alone found nothing, say that only names were searched. */
function NoMatch({ search, searchOnly }: { search: string; searchOnly: boolean }) {
  return (
    <p className="list-none" data-testid="library-no-match">
      {search && searchOnly
        ? `No document name or path contains “${search}”. This filter does not search the text of documents: ask a question in a chat to search it.`
        : 'No documents match.'}
    </p>
  );
}

/** A library too large to hold in the window: the core filters it and sends pages. */
function PagedDocuments({
  filter,
  search,
  collection,
  live,
  etas,
  actions,
}: {
  filter: Filter;
  search: string;
  collection: string | null;
  live: readonly DocumentInfo[];
  etas: ReadonlyMap<string, number>;
  actions: RowActions;
}) {
  const pages = useDocumentPages(filter, search, collection, live);
  if (pages.total === null)
    return (
      <div className="empty-state">
        <Spinner label="Loading the library" />
      </div>
    );
  if (pages.total === 0)
    return <NoMatch search={search} searchOnly={filter === 'all' && collection === null} />;
  return (
    <DocumentList
      count={pages.total}
      rowAt={pages.rowAt}
      onRange={pages.showRange}
      etas={etas}
      actions={actions}
    />
  );
}
