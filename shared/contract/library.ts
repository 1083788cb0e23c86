import { z } from 'zod';
import {
  DocumentInfoSchema,
  IndexHealthSchema,
  LibraryFilterSchema,
  LibraryPageSchema,
  LibrarySnapshotSchema,
  LibrarySortSchema,
} from '../documents';
import { ErrorCodeSchema } from '../errors';
import { OcrPageSchema } from '../ocr-words';
import { method } from './define';

const DocumentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a document id');
const PathSchema = z.string().min(1).max(4096);

export const SkippedPathSchema = z.object({
  path: z.string(),
  code: ErrorCodeSchema,
  reason: z.string(),
});
export type SkippedPath = z.infer<typeof SkippedPathSchema>;

/** A file whose exact content is already a document: it is not indexed a second time. */
export const DuplicatePathSchema = z.object({
  path: z.string(),
  documentId: z.string(),
  name: z.string(),
});
export type DuplicatePath = z.infer<typeof DuplicatePathSchema>;

export const libraryMethods = {
  'library.add': method({
    summary:
      'Add files and folders (recursively); hidden and unsupported files are skipped with a reason.',
    args: z
      .object({
        paths: z.array(PathSchema).min(1).max(10_000),
        /** Every file added (or already there) also joins this collection. */
        collectionId: DocumentIdSchema.optional(),
      })
      .strict(),
    result: z.object({
      added: z.array(DocumentInfoSchema),
      unchanged: z.array(z.string()),
      /** Files already in the library under another path ("already in your library"). */
      duplicates: z.array(DuplicatePathSchema),
      skipped: z.array(SkippedPathSchema),
    }),
  }),
  'library.list': method({
    summary:
      'The library at a glance: totals, queue state, watched folders, index health and the newest documents (all of them in a small library).',
    args: z.object({}).strict(),
    result: LibrarySnapshotSchema,
  }),
  'library.query': method({
    summary:
      'One page of documents, filtered by status, collection and a search in names and paths.',
    args: z
      .object({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(1_000).default(200),
        filter: LibraryFilterSchema.default('all'),
        search: z.string().max(500).default(''),
        collection: z.string().nullable().default(null),
        sort: LibrarySortSchema.default('newest'),
      })
      .strict(),
    result: LibraryPageSchema,
  }),
  'library.remove': method({
    summary: 'Remove a document and delete its chunks.',
    args: z.object({ documentId: DocumentIdSchema }).strict(),
    result: z.object({ removed: z.boolean() }),
  }),
  'library.retry': method({
    summary: 'Queue a failed or cancelled document again, optionally with its PDF password.',
    args: z
      .object({ documentId: DocumentIdSchema, password: z.string().max(1024).optional() })
      .strict(),
    result: DocumentInfoSchema,
  }),
  'library.reindex': method({
    summary: 'Parse, chunk and embed a document again from its file.',
    args: z.object({ documentId: DocumentIdSchema }).strict(),
    result: DocumentInfoSchema,
  }),
  'library.cancel': method({
    summary: 'Stop indexing one document; what was indexed before stays.',
    args: z.object({ documentId: DocumentIdSchema }).strict(),
    result: DocumentInfoSchema,
  }),
  'library.pause': method({
    summary: 'Pause the indexing queue; documents in flight finish.',
    args: z.object({}).strict(),
    result: z.object({ paused: z.literal(true) }),
  }),
  'library.resume': method({
    summary: 'Resume the indexing queue.',
    args: z.object({}).strict(),
    result: z.object({ paused: z.literal(false) }),
  }),
  'library.watch': method({
    summary:
      'Watch a folder: added, changed and deleted files are picked up (and join collectionId, if given).',
    args: z.object({ folder: PathSchema, collectionId: DocumentIdSchema.optional() }).strict(),
    result: z.object({ watchedFolders: z.array(z.string()) }),
  }),
  'library.unwatch': method({
    summary: 'Stop watching a folder (its documents stay).',
    args: z.object({ folder: PathSchema }).strict(),
    result: z.object({ watchedFolders: z.array(z.string()) }),
  }),
  'library.rebuildIndex': method({
    summary:
      'Rebuild a damaged search index: empty it, then index every document again from its file.',
    args: z.object({}).strict(),
    result: IndexHealthSchema,
  }),
};

export const DocumentContentSchema = z.object({
  document: DocumentInfoSchema,
  mime: z.string(),
  /** The decoded text, for Markdown, plain text and HTML sources. */
  text: z.string().nullable(),
  /** The file's bytes, base64, for PDFs and images (rendered by the viewer). */
  base64: z.string().nullable(),
  /** Words read by OCR with their boxes, per page (PDF) or for the image (page null). */
  ocr: z.array(OcrPageSchema).nullable().optional(),
});
export type DocumentContent = z.infer<typeof DocumentContentSchema>;

export const documentMethods = {
  'documents.content': method({
    summary: 'The source of a document for the viewer: text, or the PDF bytes.',
    args: z.object({ documentId: DocumentIdSchema }).strict(),
    result: DocumentContentSchema,
  }),
};
