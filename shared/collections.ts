import { z } from 'zod';

const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not an id');

export const CollectionNameSchema = z.string().trim().min(1).max(120);

/** A named group of documents; a document may be in any number of them. */
export const CollectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  documentCount: z.number().int().nonnegative(),
});
export type Collection = z.infer<typeof CollectionSchema>;

/** What a conversation searches: everything, one collection, or hand-picked documents. */
export const ConversationScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('collection'), collectionId: IdSchema }).strict(),
  z
    .object({ kind: z.literal('documents'), documentIds: z.array(IdSchema).min(1).max(1_000) })
    .strict(),
]);
export type ConversationScope = z.infer<typeof ConversationScopeSchema>;

export const ALL_DOCUMENTS: ConversationScope = { kind: 'all' };

/** The scope in a few words, for a chat header or a sidebar row. */
export function describeScope(
  scope: ConversationScope | undefined,
  collectionName: (id: string) => string | undefined,
): string {
  if (!scope || scope.kind === 'all') return 'All documents';
  if (scope.kind === 'collection')
    return collectionName(scope.collectionId) ?? 'A deleted collection';
  const n = scope.documentIds.length;
  return `${n} selected document${n === 1 ? '' : 's'}`;
}
