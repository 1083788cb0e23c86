import { z } from 'zod';
import { CollectionNameSchema, CollectionSchema } from '../collections';
import { method } from './define';

const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not an id');
const DocumentIdsSchema = z.array(IdSchema).min(1).max(10_000);

const MembershipResultSchema = z.object({
  collection: CollectionSchema,
  /** Documents whose membership changed (already members, or already out, are not listed). */
  changed: z.array(z.string()),
});

export const collectionsMethods = {
  'collections.list': method({
    summary: 'Every collection with its document count, by name.',
    args: z.object({}).strict(),
    result: z.array(CollectionSchema),
  }),
  'collections.create': method({
    summary: 'Create an empty collection.',
    args: z.object({ name: CollectionNameSchema }).strict(),
    result: CollectionSchema,
  }),
  'collections.rename': method({
    summary: 'Rename a collection.',
    args: z.object({ collectionId: IdSchema, name: CollectionNameSchema }).strict(),
    result: CollectionSchema,
  }),
  'collections.delete': method({
    summary: 'Delete a collection; its documents stay in the library.',
    args: z.object({ collectionId: IdSchema }).strict(),
    result: z.object({ deleted: z.boolean() }),
  }),
  'collections.addDocuments': method({
    summary: 'Add documents to a collection (no re-indexing).',
    args: z.object({ collectionId: IdSchema, documentIds: DocumentIdsSchema }).strict(),
    result: MembershipResultSchema,
  }),
  'collections.removeDocuments': method({
    summary: 'Take documents out of a collection; they stay in the library.',
    args: z.object({ collectionId: IdSchema, documentIds: DocumentIdsSchema }).strict(),
    result: MembershipResultSchema,
  }),
  'collections.empty': method({
    summary: 'Take every document out of a collection; the collection and documents stay.',
    args: z.object({ collectionId: IdSchema }).strict(),
    result: MembershipResultSchema,
  }),
};
