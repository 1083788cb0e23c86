import { z } from 'zod';
import { ModelSwitchStateSchema } from './models';
import { CollectionSchema } from './collections';
import { ErrorCodeSchema } from './errors';

export const IndexStageSchema = z.enum(['queued', 'parsing', 'chunking', 'embedding', 'writing']);
export type IndexStage = z.infer<typeof IndexStageSchema>;

export const DocumentStatusSchema = z.enum([
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'writing',
  'ready',
  'failed',
  'cancelled',
]);
export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

export const DocumentKindSchema = z.enum([
  'pdf',
  'markdown',
  'text',
  'html',
  'docx',
  'image',
  'other',
]);
export type DocumentKind = z.infer<typeof DocumentKindSchema>;

export const ProgressSchema = z.object({
  stage: IndexStageSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Overall fraction for the document across all stages, 0..1; never goes backwards. */
  fraction: z.number().min(0).max(1),
  etaMs: z.number().nonnegative().nullable(),
  /** What is happening, when the stage alone does not say it, e.g. "Reading text from page 3 of 12 (OCR)". */
  label: z.string().max(200).optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const DocumentWarningSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** The pages it concerns (1-based), when it concerns pages. */
  pages: z.array(z.number().int().positive()).max(100_000).optional(),
});
export type DocumentWarning = z.infer<typeof DocumentWarningSchema>;

/** "Ready, 3 pages unreadable": the short form a row or a command line shows. */
export function readyWithWarnings(warnings: readonly DocumentWarning[] | undefined): string {
  const unreadable = (warnings ?? [])
    .filter((w) => w.code === 'corrupt_file' || w.code === 'timeout')
    .reduce((n, w) => n + (w.pages?.length ?? 0), 0);
  const other = (warnings ?? []).filter((w) => !w.pages?.length).length;
  const parts = ['Ready'];
  if (unreadable > 0) parts.push(`${unreadable} page${unreadable === 1 ? '' : 's'} unreadable`);
  if (other > 0 && unreadable === 0) parts.push(`${other} notice${other === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export const DocumentInfoSchema = z.object({
  id: z.string(),
  path: z.string(),
  name: z.string(),
  kind: DocumentKindSchema,
  size: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative().nullable(),
  status: DocumentStatusSchema,
  chunks: z.number().int().nonnegative(),
  progress: ProgressSchema.nullable(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
  /** Indexed for full-text search, waiting for an embedding model. */
  vectorsPending: z.boolean(),
  embeddingModel: z.string().nullable(),
  /** The text's main language (ISO 639-1, 'und' when unclear): it picks stop words and stems. */
  language: z.string().max(16).nullable().optional(),
  /** Pages whose text was read by OCR (PDF), or [0] for an image read whole. */
  ocrPages: z.array(z.number().int().nonnegative()).max(100_000).optional(),
  /** What went partly wrong in a document that is still ready: unreadable pages, no vectors. */
  warnings: z.array(DocumentWarningSchema).max(50).optional(),
  /** Ids of the collections the document is in. */
  collections: z.array(z.string()).optional(),
  addedAt: z.number(),
  updatedAt: z.number(),
});
export type DocumentInfo = z.infer<typeof DocumentInfoSchema>;

export const IndexHealthSchema = z.object({
  /** `damaged`: a table cannot be read and must be rebuilt from the documents' files. */
  status: z.enum(['ok', 'damaged', 'rebuilding']),
  damagedTables: z.array(z.string()),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});
export type IndexHealth = z.infer<typeof IndexHealthSchema>;

export const LibraryTotalsSchema = z.object({
  documents: z.number().int(),
  chunks: z.number().int(),
  indexing: z.number().int(),
  failed: z.number().int(),
});
export type LibraryTotals = z.infer<typeof LibraryTotalsSchema>;

const INDEXING_STATUSES: ReadonlySet<DocumentStatus> = new Set([
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'writing',
]);

/** Queued or on its way through parsing, chunking, embedding and writing. */
export function isIndexingStatus(status: DocumentStatus): boolean {
  return INDEXING_STATUSES.has(status);
}

/** What one document adds to the library's totals (the core keeps them running; see registry). */
export function totalsOf(
  doc: Pick<DocumentInfo, 'status' | 'chunks'>,
): Omit<LibraryTotals, 'documents'> {
  return {
    chunks: doc.status === 'ready' ? doc.chunks : 0,
    indexing: isIndexingStatus(doc.status) ? 1 : 0,
    failed: doc.status === 'failed' ? 1 : 0,
  };
}

export function libraryTotals(
  documents: readonly Pick<DocumentInfo, 'status' | 'chunks'>[],
): LibraryTotals {
  const totals = { documents: documents.length, chunks: 0, indexing: 0, failed: 0 };
  for (const doc of documents) {
    const one = totalsOf(doc);
    totals.chunks += one.chunks;
    totals.indexing += one.indexing;
    totals.failed += one.failed;
  }
  return totals;
}

/**
 * Rows a library snapshot carries at most. The snapshot is sent whole on every subscribe
 * and resume, and parsed on the window's thread: at ~300 bytes a row, 200 rows stay near
 * 60 KB and parse well inside a frame, whatever the library's size. The rest is paged.
 */
export const LIBRARY_SNAPSHOT_ROWS = 200;

export const LibraryFilterSchema = z.enum(['all', 'indexing', 'failed', 'ready']);
export type LibraryFilter = z.infer<typeof LibraryFilterSchema>;
export const LibrarySortSchema = z.enum(['newest', 'oldest', 'name']);
export type LibrarySort = z.infer<typeof LibrarySortSchema>;

export const LibrarySnapshotSchema = z.object({
  /** The newest documents first, at most LIBRARY_SNAPSHOT_ROWS; `library.query` pages the rest. */
  documents: z.array(DocumentInfoSchema),
  /** True when `documents` is the whole library (a small one): no paging needed. */
  complete: z.boolean(),
  index: IndexHealthSchema,
  paused: z.boolean(),
  watchedFolders: z.array(z.string()),
  collections: z.array(CollectionSchema).optional(),
  /** Watched folder → the collection it feeds. */
  folderCollections: z.record(z.string(), z.string()).optional(),
  totals: LibraryTotalsSchema,
  /** The embedding model switch, when one is under way or just ended. */
  modelSwitch: ModelSwitchStateSchema.optional(),
});
export type LibrarySnapshot = z.infer<typeof LibrarySnapshotSchema>;

/** One page of documents, filtered and sorted in the core. */
export const LibraryPageSchema = z.object({
  /** Documents matching the filter and search, across all pages. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  documents: z.array(DocumentInfoSchema),
});
export type LibraryPage = z.infer<typeof LibraryPageSchema>;
