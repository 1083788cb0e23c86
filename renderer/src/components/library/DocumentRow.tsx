import { memo } from 'react';
import type { Collection } from '../../../../shared/collections';
import { readyWithWarnings, type DocumentInfo } from '../../../../shared/documents';
import {
  canRetry,
  failureReason,
  formatBytes,
  formatCount,
  formatEta,
  KIND_LABEL,
  needsPassword,
  plural,
  progressDetail,
  STATUS_LABEL,
} from '../../library/format';
import { isIndexing } from '../../library/library-reducer';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { CollectionMenu } from './CollectionMenu';

/**
 * What a row offers. The commands that change the library are absent when the person's role
 * may not call them (see use-access), and so are their buttons.
 */
export type RowActions = {
  retry?: (doc: DocumentInfo) => void;
  unlock?: (doc: DocumentInfo) => void;
  reindex?: (doc: DocumentInfo) => void;
  remove?: (doc: DocumentInfo) => void;
  cancel?: (doc: DocumentInfo) => void;
  open: (doc: DocumentInfo) => void;
  /** Every collection, for the row's membership picker and the names under the title. */
  collections: readonly Collection[];
  toggleCollection?: (doc: DocumentInfo, collectionId: string) => void;
  /** A new chat whose question is about this whole document. */
  ask: (doc: DocumentInfo) => void;
  /** A new chat with this document pinned into it. */
  pin: (doc: DocumentInfo) => void;
};

function KindBadge({ doc }: { doc: DocumentInfo }) {
  const label =
    doc.kind === 'markdown'
      ? 'MD'
      : doc.kind === 'other'
        ? '?'
        : KIND_LABEL[doc.kind].slice(0, 4).toUpperCase();
  return (
    <span className={`kind-badge kind-${doc.kind}`} title={KIND_LABEL[doc.kind]} aria-hidden="true">
      {label}
    </span>
  );
}

function Meta({ doc, collections }: { doc: DocumentInfo; collections: readonly Collection[] }) {
  const parts = [KIND_LABEL[doc.kind], formatBytes(doc.size)];
  if (doc.pages) parts.push(plural(doc.pages, 'page'));
  if (doc.status === 'ready') parts.push(plural(doc.chunks, 'passage'));
  if (doc.vectorsPending) parts.push('text search only');
  const names = collections.filter((c) => doc.collections?.includes(c.id)).map((c) => c.name);
  return (
    <span className="doc-meta">
      {parts.join(' · ')}
      {names.length > 0 && (
        <span className="doc-collections" data-testid="doc-collections">
          {` · in ${names.join(', ')}`}
        </span>
      )}
    </span>
  );
}

function Status({ doc, etaMs }: { doc: DocumentInfo; etaMs: number | null }) {
  if (doc.status === 'queued') {
    return (
      <span className="doc-progress-text" data-testid="doc-progress">
        Waiting for its turn
      </span>
    );
  }
  if (isIndexing(doc)) {
    const p = doc.progress;
    const detail = progressDetail(doc);
    // The renderer's smoothed estimate: the core's per-event etaMs swings too much to show.
    const eta = formatEta(etaMs);
    return (
      <div className="doc-progress">
        <ProgressBar value={p?.fraction ?? 0} indeterminate={!p} label={`Indexing ${doc.name}`} />
        <span className="doc-progress-text" data-testid="doc-progress">
          {[detail, eta].filter(Boolean).join(' · ') || 'Starting…'}
        </span>
      </div>
    );
  }
  if (doc.status === 'failed' || doc.status === 'cancelled') {
    return (
      <span className="doc-error" data-testid="doc-error">
        {failureReason(doc)}
      </span>
    );
  }
  return null;
}

/** One document; memoised on the document object, which the reducer replaces only on change. */
export const DocumentRow = memo(function DocumentRow({
  doc,
  etaMs,
  actions,
  position,
  total,
}: {
  doc: DocumentInfo;
  etaMs: number | null;
  actions: RowActions;
  /** 1-based place in the whole list: only visible rows exist, so say where this one is. */
  position: number;
  total: number;
}) {
  const indexing = isIndexing(doc);
  const locked = needsPassword(doc);
  const warned = doc.status === 'ready' && (doc.warnings?.length ?? 0) > 0;
  const { toggleCollection, unlock, retry, cancel, reindex, remove } = actions;
  return (
    <div
      className={`doc-row doc-${doc.status}`}
      role="listitem"
      aria-label={doc.name}
      aria-posinset={position}
      aria-setsize={total}
      data-testid="doc-row"
      data-status={doc.status}
      data-name={doc.name}
    >
      <KindBadge doc={doc} />
      <div
        className="doc-main"
        onClick={(e) => {
          // The whole row opens a ready document; its name is the keyboard's way in.
          if (doc.status === 'ready' && !(e.target as HTMLElement).closest('button'))
            actions.open(doc);
        }}
      >
        <div className="doc-title-line">
          {doc.status === 'ready' ? (
            <button
              type="button"
              className="doc-name doc-open"
              aria-label={`Open ${doc.name}`}
              title={`Open ${doc.path}`}
              data-testid="doc-open"
              onClick={() => actions.open(doc)}
            >
              {doc.name}
            </button>
          ) : (
            <span className="doc-name" title={doc.path}>
              {doc.name}
            </span>
          )}
          <span
            className={`stage stage-${doc.status}${warned ? ' stage-warn' : ''}`}
            data-testid="doc-stage"
            title={warned ? doc.warnings!.map((w) => w.message).join('\n') : undefined}
          >
            {locked ? (
              <>
                <Icon name="lock" size={12} /> Locked
              </>
            ) : warned ? (
              readyWithWarnings(doc.warnings)
            ) : (
              STATUS_LABEL[doc.status]
            )}
          </span>
        </div>
        <Meta doc={doc} collections={actions.collections} />
        {warned && (
          <ul className="doc-warnings" data-testid="doc-warnings">
            {doc.warnings!.map((w) => (
              <li key={`${w.code}:${w.message}`}>{w.message}</li>
            ))}
          </ul>
        )}
        <Status doc={doc} etaMs={etaMs} />
      </div>
      <div className="doc-actions">
        {toggleCollection && (
          <CollectionMenu
            documentName={doc.name}
            collections={actions.collections}
            memberOf={doc.collections ?? []}
            onToggle={(collectionId) => toggleCollection(doc, collectionId)}
          />
        )}
        {locked && unlock && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => unlock(doc)}>
            <Icon name="lock" size={14} /> Enter password…
          </button>
        )}
        {!locked && canRetry(doc) && retry && (
          <button type="button" className="btn btn-small" onClick={() => retry(doc)}>
            <Icon name="refresh" size={14} /> Retry
          </button>
        )}
        {indexing && cancel && (
          <button
            type="button"
            className="icon-btn"
            aria-label={`Stop indexing ${doc.name}`}
            title="Stop indexing"
            onClick={() => cancel(doc)}
          >
            <Icon name="x" />
          </button>
        )}
        {doc.status === 'ready' && (
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Ask about ${doc.name}`}
            title="Ask a question answered from every page of this document"
            data-testid="doc-ask"
            onClick={() => actions.ask(doc)}
          >
            <Icon name="chat" size={14} /> Ask about this document
          </button>
        )}
        {doc.status === 'ready' && (
          <button
            type="button"
            className="icon-btn"
            aria-label={`Pin ${doc.name} into a fresh chat`}
            title="Pin into a fresh chat: its text is in every prompt"
            onClick={() => actions.pin(doc)}
          >
            <Icon name="pin" />
          </button>
        )}
        {doc.status === 'ready' && reindex && (
          <button
            type="button"
            className="icon-btn"
            aria-label={`Re-index ${doc.name}`}
            title="Re-index"
            onClick={() => reindex(doc)}
          >
            <Icon name="refresh" />
          </button>
        )}
        {remove && (
          <button
            type="button"
            className="icon-btn icon-btn-danger"
            aria-label={`Remove ${doc.name}`}
            title="Remove from library"
            onClick={() => remove(doc)}
          >
            <Icon name="trash" />
          </button>
        )}
      </div>
    </div>
  );
});

export function totalsLine(
  totals: {
    documents: number;
    chunks: number;
    indexing: number;
    failed: number;
  },
  eta: string | null = null,
): string {
  const parts = [plural(totals.documents, 'document'), plural(totals.chunks, 'passage')];
  if (totals.indexing)
    parts.push(`${formatCount(totals.indexing)} indexing${eta ? `, ${eta}` : ''}`);
  if (totals.failed) parts.push(`${formatCount(totals.failed)} failed`);
  return parts.join(' · ');
}
