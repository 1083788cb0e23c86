import type { Handlers } from '../rpc/dispatch';
import type { CollectionService } from './collection-service';

type CollectionHandlers = Pick<
  Handlers,
  | 'collections.list'
  | 'collections.create'
  | 'collections.rename'
  | 'collections.delete'
  | 'collections.addDocuments'
  | 'collections.removeDocuments'
  | 'collections.empty'
>;

export function createCollectionHandlers(collections: CollectionService): CollectionHandlers {
  return {
    'collections.list': () => collections.list(),
    'collections.create': ({ name }) => collections.create(name),
    'collections.rename': ({ collectionId, name }) => collections.rename(collectionId, name),
    'collections.delete': async ({ collectionId }) => ({
      deleted: await collections.delete(collectionId),
    }),
    'collections.addDocuments': ({ collectionId, documentIds }) =>
      collections.addDocuments(collectionId, documentIds),
    'collections.removeDocuments': ({ collectionId, documentIds }) =>
      collections.removeDocuments(collectionId, documentIds),
    'collections.empty': ({ collectionId }) => collections.empty(collectionId),
  };
}
